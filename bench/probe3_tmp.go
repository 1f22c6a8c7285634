package main

import (
	"context"
	"fmt"
	"os"
	"strings"
)

func probePlans(ctx context.Context, dir string) {
	d, err := loadSQLite(ctx, dir, 100000)
	if err != nil {
		panic(err)
	}
	qs := strings.Split(os.Getenv("QUERIES"), ";;")
	for _, q := range qs {
		if strings.TrimSpace(q) == "" {
			continue
		}
		rows, err := d.db.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q)
		if err != nil {
			fmt.Println("ERR", err)
			continue
		}
		fmt.Println("==", q[:min(80, len(q))])
		for rows.Next() {
			var id, parent, notused int
			var detail string
			rows.Scan(&id, &parent, &notused, &detail)
			fmt.Println("  ", detail)
		}
		rows.Close()
	}
	var stat int
	d.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name='sqlite_stat1'").Scan(&stat)
	fmt.Println("sqlite_stat1 exists:", stat)
	if stat == 1 {
		rows, _ := d.db.QueryContext(ctx, "SELECT tbl, idx, stat FROM sqlite_stat1")
		for rows.Next() {
			var a, b, c any
			rows.Scan(&a, &b, &c)
			fmt.Println("  stat", a, b, c)
		}
		rows.Close()
	}
}
