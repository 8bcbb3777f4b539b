package query

import (
	"fmt"
	"math"
	"testing"
	"time"
)

func TestBucketStarts(t *testing.T) {
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		from, to time.Time
		step     time.Duration
		n        int
		first    time.Time
	}{
		{"24 h hourly on the hour", day, day.Add(24 * time.Hour), time.Hour, 24, day},
		{"24 h hourly off the hour", day.Add(17*time.Minute + 3*time.Second), day.Add(24*time.Hour + 17*time.Minute + 3*time.Second), time.Hour, 24, day.Add(time.Hour)},
		{"7 days daily from noon", day.Add(12 * time.Hour), day.Add(7*24*time.Hour + 12*time.Hour), 24 * time.Hour, 7, day.Add(24 * time.Hour)},
		{"3 h at 5 minutes", day, day.Add(3 * time.Hour), 5 * time.Minute, 36, day},
		{"2-hour buckets start on even hours", day.Add(time.Hour), day.Add(7 * time.Hour), 2 * time.Hour, 3, day.Add(2 * time.Hour)},
		{"range shorter than a bucket without a boundary", day.Add(10 * time.Minute), day.Add(50 * time.Minute), time.Hour, 0, time.Time{}},
		{"empty range", day, day, time.Hour, 0, time.Time{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := BucketStarts(tc.from, tc.to, tc.step)
			if len(got) != tc.n {
				t.Fatalf("%d buckets, want %d: %v", len(got), tc.n, got)
			}
			if tc.n == 0 {
				return
			}
			if !got[0].Equal(tc.first) {
				t.Fatalf("first bucket %s, want %s", got[0], tc.first)
			}
			for i, b := range got {
				if b.UnixMilli()%tc.step.Milliseconds() != 0 {
					t.Fatalf("bucket %d at %s is off the %s grid", i, b, tc.step)
				}
				if i > 0 && b.Sub(got[i-1]) != tc.step {
					t.Fatalf("buckets %d and %d are %s apart", i-1, i, b.Sub(got[i-1]))
				}
				if b.Location() != time.UTC {
					t.Fatalf("bucket %d is not UTC", i)
				}
			}
		})
	}
}

func TestBucketOf(t *testing.T) {
	h := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		at   time.Time
		step time.Duration
		want time.Time
	}{
		{h, time.Hour, h},
		{h.Add(4 * time.Second), time.Hour, h},
		{h.Add(-4 * time.Second), time.Hour, h},                     // jittered early: still the hour it was meant for
		{h.Add(-149 * time.Second), time.Hour, h},                   // within half a collection cycle
		{h.Add(-151 * time.Second), time.Hour, h.Add(-time.Hour)},   // an off-grid sample of the previous hour
		{h.Add(31 * time.Minute), time.Hour, h},                     // off-grid sample inside the hour
		{h.Add(57*time.Minute + 29*time.Second), time.Hour, h},      // 2 min 31 s before the next hour
		{h.Add(58 * time.Minute), time.Hour, h.Add(time.Hour)},      // 2 min before the next hour
		{h.Add(2*time.Minute + 29*time.Second), 5 * time.Minute, h}, // 5-minute buckets: nearest boundary
		{h.Add(2*time.Minute + 31*time.Second), 5 * time.Minute, h.Add(5 * time.Minute)},
		{h.Add(-3 * time.Second), 24 * time.Hour, h.Add(-10 * time.Hour)}, // daily: the UTC day
		{time.Date(2026, 1, 1, 23, 59, 57, 0, time.UTC), 24 * time.Hour, time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)},
		{time.UnixMilli(-4000).UTC(), time.Hour, time.Unix(0, 0).UTC()}, // before the epoch rounds the same way
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s/%s", tc.at.Format(time.TimeOnly), tc.step), func(t *testing.T) {
			if got := BucketOf(tc.at.UnixMilli(), tc.step); got != tc.want.UnixMilli() {
				t.Fatalf("bucket of %s = %s, want %s", tc.at, time.UnixMilli(got).UTC(), tc.want)
			}
		})
	}
}

func TestBucketize(t *testing.T) {
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	starts := BucketStarts(day, day.Add(4*time.Hour), time.Hour)
	at := func(d time.Duration) int64 { return day.Add(d).UnixMilli() }
	f := func(v float64) *float64 { return &v }
	// Hour 0: jittered point plus an off-grid extra; hour 1: nothing; hour 2: jittered early
	// (stamped 01:59:57); hour 3: one point; plus samples before and after the range.
	times := []int64{at(-time.Hour), at(3 * time.Second), at(31 * time.Minute), at(2*time.Hour - 3*time.Second), at(3*time.Hour + 2*time.Second), at(4*time.Hour + time.Second)}
	vals := []float64{99, 10, 20, 12.600000381469727, 40, 99}
	tests := []struct {
		rollUp string
		want   []*float64
	}{
		{"AVG", []*float64{f(15), nil, f(12.600000381469727), f(40)}},
		{"", []*float64{f(15), nil, f(12.600000381469727), f(40)}},
		{"MAX", []*float64{f(20), nil, f(12.600000381469727), f(40)}},
		{"MIN", []*float64{f(10), nil, f(12.600000381469727), f(40)}},
		{"LATEST", []*float64{f(20), nil, f(12.600000381469727), f(40)}},
	}
	for _, tc := range tests {
		t.Run(tc.rollUp, func(t *testing.T) {
			got := Bucketize(times, vals, starts, time.Hour, tc.rollUp)
			if len(got) != len(tc.want) {
				t.Fatalf("%d values, want %d", len(got), len(tc.want))
			}
			for i := range got {
				switch {
				case (got[i] == nil) != (tc.want[i] == nil):
					t.Fatalf("bucket %d: got %v, want %v", i, deref(got[i]), deref(tc.want[i]))
				case got[i] != nil && *got[i] != *tc.want[i]:
					t.Fatalf("bucket %d = %v, want %v", i, *got[i], *tc.want[i])
				}
			}
		})
	}
	t.Run("unsorted input, LATEST takes the last by time", func(t *testing.T) {
		got := Bucketize([]int64{at(40 * time.Minute), at(10 * time.Minute)}, []float64{2, 1}, starts, time.Hour, "LATEST")
		if got[0] == nil || *got[0] != 2 {
			t.Fatalf("got %v, want 2", deref(got[0]))
		}
	})
	t.Run("NaN and Inf are ignored", func(t *testing.T) {
		got := Bucketize([]int64{at(0), at(time.Minute), at(time.Hour)}, []float64{math.NaN(), 5, math.Inf(1)}, starts, time.Hour, "AVG")
		if got[0] == nil || *got[0] != 5 || got[1] != nil {
			t.Fatalf("got %v, %v", deref(got[0]), deref(got[1]))
		}
	})
	t.Run("more values than timestamps", func(t *testing.T) {
		got := Bucketize([]int64{at(0)}, []float64{1, 2, 3}, starts, time.Hour, "AVG")
		if got[0] == nil || *got[0] != 1 {
			t.Fatalf("got %v", deref(got[0]))
		}
	})
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
