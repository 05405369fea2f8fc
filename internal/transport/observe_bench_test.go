package transport

import (
	"context"
	"net/http"
	"testing"

	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
)

// BenchmarkGetObserved is BenchmarkGet with an observer that does nothing:
// what the hooks themselves cost once an observer is set. BenchmarkGet
// (no observer) must keep main's allocation count.
func BenchmarkGetObserved(b *testing.B) {
	c, err := New(Config{
		Provider:       "bench",
		BaseURL:        "https://api.test/v1",
		Shared:         option.Shared{Transport: memoryRT{}, Retry: retry.Default(), Observer: observe.Base{}},
		Header:         http.Header{"Authorization": {"Bearer t"}, "Accept": {"application/json"}},
		DefaultLimiter: option.NoLimit,
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	req := &Request{Method: http.MethodGet, Path: "/catalog/products", Op: "GET /catalog/products"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var out benchPage
		if _, err := c.Do(ctx, req, &out); err != nil {
			b.Fatal(err)
		}
	}
}
