package main

import (
	"fmt"
	"slices"
	"time"
)

// timeOps runs f(k) for k = 0, 1, ... until budget has passed or maxOps
// calls were made (at least one) and returns the time per call.
func timeOps(budget time.Duration, minOps, maxOps int, f func(k int) error) (time.Duration, error) {
	start := time.Now()
	k := 0
	for {
		if err := f(k); err != nil {
			return 0, err
		}
		k++
		if el := time.Since(start); (el >= budget && k >= minOps) || k >= maxOps {
			return el / time.Duration(k), nil
		}
	}
}

// variant is one thing measured in every round; its value is a cost
// (time per op) unless noted.
type variant struct {
	name string
	run  func(round int) (float64, error)
}

// rounds runs every variant once per round, in order, for n rounds, and
// returns each variant's per-round values: vals[v][r].
func rounds(n int, vs []variant) ([][]float64, error) {
	vals := make([][]float64, len(vs))
	for r := range n {
		for k, v := range vs {
			x, err := v.run(r)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", v.name, err)
			}
			vals[k] = append(vals[k], x)
		}
	}
	return vals, nil
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// ratioMedian is the median of the per-round ratios a[r]/b[r].
func ratioMedian(a, b []float64) float64 {
	rs := make([]float64, len(a))
	for i := range a {
		rs[i] = a[i] / b[i]
	}
	return median(rs)
}
