package core

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// DocumentPath is where every API serves its OpenAPI document, below the
// path the document's server URL names (see Routes.Document).
const DocumentPath = "/openapi.json"

// Document registers GET path (a ServeMux path below the mount prefix,
// such as "/admin/v1/openapi.json") answering the API's OpenAPI document
// without authentication, with its servers replaced by one relative URL:
// the mount prefix followed by the path of the document's own first
// server URL ("/userkit/admin/v1" for the management API mounted under
// "/userkit"; the prefix alone, or "/", when the document names no
// server or one without a path). The document is rewritten once, here.
// Other methods on path are 405, as for any route.
func (rt *Routes) Document(prefix, path string, doc []byte) {
	body, err := withServer(doc, prefix)
	if err != nil {
		panic(fmt.Sprintf("httpapi: OpenAPI document of %s: %v", rt.a.Shape.Name, err))
	}
	full := http.MethodGet + " " + prefix + path
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		if r.Method != http.MethodHead {
			_, _ = w.Write(body)
		}
	})
	rt.mux.Handle(full, rt.every(full, h))
	rt.allow(http.MethodGet, prefix+path)
}

// withServer returns doc with its "servers" member replaced by one server
// whose URL is prefix followed by the path of doc's first server URL.
// The members keep their order ("servers" goes after "info" when doc has
// none; a document has an info member).
func withServer(doc []byte, prefix string) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(doc))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, fmt.Errorf("not a JSON object")
	}
	type member struct {
		key string
		val json.RawMessage
	}
	var members []member
	base, hadServers := "", false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var m member
		m.key, _ = tok.(string)
		if err := dec.Decode(&m.val); err != nil {
			return nil, err
		}
		if m.key == "servers" {
			hadServers = true
			var servers []struct{ URL string }
			if err := json.Unmarshal(m.val, &servers); err != nil {
				return nil, fmt.Errorf("servers: %w", err)
			}
			if len(servers) > 0 {
				u, err := url.Parse(servers[0].URL)
				if err != nil {
					return nil, fmt.Errorf("servers: %w", err)
				}
				base = strings.TrimSuffix(u.Path, "/")
			}
		}
		members = append(members, m)
	}
	server := prefix + base
	if server == "" {
		server = "/"
	}
	servers, err := json.Marshal([]map[string]string{{"url": server,
		"description": "this server (relative to the document's location)"}})
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.WriteByte('{')
	write := func(key string, val []byte) {
		if out.Len() > 1 {
			out.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		out.Write(k)
		out.WriteByte(':')
		out.Write(val)
	}
	for _, m := range members {
		switch {
		case m.key == "servers":
			write("servers", servers)
		default:
			write(m.key, m.val)
			if m.key == "info" && !hadServers {
				write("servers", servers)
			}
		}
	}
	out.WriteString("}\n")
	return out.Bytes(), nil
}
