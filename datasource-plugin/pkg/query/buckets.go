package query

import (
	"math"
	"time"
)

// Bucketing of vROps samples onto a fixed grid (docs/contracts.md §2, "Metrics frames").
//
// vROps stamps its samples at collection time, which jitters by seconds around the 5-minute
// cycle, and a rolled-up answer (intervalType HOURS, DAYS …) can carry extra off-grid samples or
// miss some. So every series of a metrics answer is put on the same grid here: one point per
// bucket, stamped with the bucket's start, null where the bucket has no sample.

// snapTolerance is how far before a bucket boundary a sample still counts for that bucket: half
// a collection cycle, so a sample stamped a few seconds before the hour belongs to that hour.
const snapTolerance = collection / 2

// BucketStarts lists the bucket boundaries of [from, to): every multiple of step counted from the
// Unix epoch, so hourly buckets start on the hour and daily ones at 00:00 UTC. A 24-hour range
// with hourly buckets has exactly 24 boundaries whether or not from is on the hour.
func BucketStarts(from, to time.Time, step time.Duration) []time.Time {
	if step <= 0 || !to.After(from) {
		return []time.Time{}
	}
	s := step.Milliseconds()
	first := ceilDiv(from.UnixMilli(), s) * s
	end := to.UnixMilli()
	out := make([]time.Time, 0, max(0, (end-first+s-1)/s))
	for t := first; t < end; t += s {
		out = append(out, time.UnixMilli(t).UTC())
	}
	return out
}

// BucketOf is the start (Unix ms) of the bucket a sample stamped at ms belongs to: the bucket
// containing it, except that a sample less than snapTolerance before a boundary belongs to the
// bucket starting at that boundary (collection jitter).
func BucketOf(ms int64, step time.Duration) int64 {
	s := step.Milliseconds()
	tol := min(snapTolerance, step/2).Milliseconds()
	return floorDiv(ms+tol, s) * s
}

// Bucketize combines the samples (times in Unix ms, values) into one value per bucket of starts
// with the roll-up: AVG the mean, MAX the largest, MIN the smallest, LATEST the last sample by
// time. Buckets without a sample, and samples outside every bucket, give nil. NaN and ±Inf samples
// are ignored.
func Bucketize(times []int64, vals []float64, starts []time.Time, step time.Duration, rollUp string) []*float64 {
	out := make([]*float64, len(starts))
	if len(starts) == 0 {
		return out
	}
	s := step.Milliseconds()
	first := starts[0].UnixMilli()
	type acc struct {
		sum, v float64
		n      int
		lastT  int64
	}
	accs := make([]acc, len(starts))
	for i := 0; i < len(times) && i < len(vals); i++ {
		v := vals[i]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			continue
		}
		b := BucketOf(times[i], step)
		idx := (b - first) / s
		if b < first || idx >= int64(len(starts)) {
			continue
		}
		a := &accs[idx]
		switch {
		case a.n == 0:
			a.v, a.lastT = v, times[i]
		case rollUp == "MAX":
			a.v = max(a.v, v)
		case rollUp == "MIN":
			a.v = min(a.v, v)
		case rollUp == "LATEST":
			if times[i] >= a.lastT {
				a.v, a.lastT = v, times[i]
			}
		}
		a.sum += v
		a.n++
	}
	backing := make([]float64, len(starts)) // one allocation per series, not one per point
	for i, a := range accs {
		if a.n == 0 {
			continue
		}
		backing[i] = a.v
		if rollUp == "AVG" || rollUp == "" {
			backing[i] = a.sum / float64(a.n)
		}
		out[i] = &backing[i]
	}
	return out
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }
