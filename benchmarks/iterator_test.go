package benchmarks

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"testing"

	"github.com/simkit/simkit/partner"
)

// catalogRT generates catalog pages of perPage products on the fly, with
// the offset as cursor, so no page exists before it is asked for. Once per
// page it collects garbage and reads HeapAlloc: the live heap, what the
// walk holds at that point. (Sampling HeapInuse without a collection
// measured when the collector last ran: 0.95x to 1.13x between runs.)
type catalogRT struct {
	total, perPage int
	peak           uint64
	ms             runtime.MemStats
}

func (c *catalogRT) RoundTrip(r *http.Request) (*http.Response, error) {
	runtime.GC()
	runtime.ReadMemStats(&c.ms)
	c.peak = max(c.peak, c.ms.HeapAlloc)
	off, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
	end := min(off+c.perPage, c.total)
	var b bytes.Buffer
	b.Grow(250 * c.perPage)
	b.WriteString(`{"success":true,"data":[`)
	for i := off; i < end; i++ {
		if i > off {
			b.WriteByte(',')
		}
		n := strconv.Itoa(i)
		b.WriteString(`{"id":"0a1b2c3d-0000-4000-8000-` + n + `","name":"Product ` + n +
			`","type":"voucher","denomination_type":"fixed","category":{"id":12,"name":"Gaming"},"description":"Steam wallet code","image":null,"attributes":{"region":"US"}}`)
	}
	next := "null"
	if end < c.total {
		next = `"` + strconv.Itoa(end) + `"`
	}
	b.WriteString(`],"meta":{"next_cursor":` + next + `,"prev_cursor":null,"per_page":` + strconv.Itoa(c.perPage) + `}}`)
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(&b), ContentLength: int64(b.Len()), Request: r}, nil
}

// BenchmarkIteratorHeap walks 10k and 100k products through
// AllProducts in pages of 200 and reports the peak live heap seen: a
// lazy iterator holds one page, so the two peaks must be about equal.
func BenchmarkIteratorHeap(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run("items="+strconv.Itoa(n/1000)+"k", func(b *testing.B) {
			// The short walk runs three times, so its peak is not one GC
			// cycle's accident; the long one spans 500 pages already.
			walks := b.N
			if n < 100_000 {
				walks *= 3
			}
			var peak uint64
			for i := 0; i < walks; i++ {
				rt := &catalogRT{total: n, perPage: 200}
				c := partnerClient(b, "https://api.test", rt)
				runtime.GC()
				count := 0
				for p, err := range c.AllProducts(context.Background(), partner.ListProductsParams{PerPage: 200}) {
					if err != nil {
						b.Fatal(err)
					}
					if p.ID == "" {
						b.Fatal("empty product")
					}
					count++
				}
				if count != n {
					b.Fatalf("walked %d of %d", count, n)
				}
				peak = max(peak, rt.peak)
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-live-heap-MiB")
		})
	}
}
