package transport

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/retry"
)

// benchBody is a ~1 KB JSON page, the size of a typical catalog answer.
var benchBody = func() []byte {
	var b strings.Builder
	b.WriteString(`{"success":true,"data":[`)
	for i := 0; i < 8; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":"019bc0dd-8562-7173-afd9-a5cc534fafb%d","name":"Product %d","price":"12.50","currency":"USD","stock":10}`, i, i)
	}
	b.WriteString(`],"meta":{"next_cursor":"abc","per_page":8}}`)
	return []byte(b.String())
}()

type benchPage struct {
	Success bool `json:"success"`
	Data    []struct {
		ID       string `json:"id"`
		Name     string `json:"name"`
		Price    string `json:"price"`
		Currency string `json:"currency"`
		Stock    int    `json:"stock"`
	} `json:"data"`
	Meta struct {
		NextCursor string `json:"next_cursor"`
		PerPage    int    `json:"per_page"`
	} `json:"meta"`
}

// memoryRT answers every request in memory, so the benchmarks measure the
// client stack and nothing else.
type memoryRT struct{}

func (memoryRT) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return &http.Response{
		StatusCode:    200,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(benchBody)),
		ContentLength: int64(len(benchBody)),
		Request:       r,
	}, nil
}

func BenchmarkGet(b *testing.B) {
	c, err := New(Config{
		Provider:       "bench",
		BaseURL:        "https://api.test/v1",
		Shared:         option.Shared{Transport: memoryRT{}, Retry: retry.Default()},
		Header:         http.Header{"Authorization": {"Bearer t"}, "Accept": {"application/json"}},
		DefaultLimiter: option.NoLimit,
	})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	req := &Request{Method: http.MethodGet, Path: "/catalog/products"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var out benchPage
		if _, err := c.Do(ctx, req, &out); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRawNetHTTP(b *testing.B) {
	hc := &http.Client{Transport: memoryRT{}}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://api.test/v1/catalog/products", nil)
		if err != nil {
			b.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer t")
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if err != nil {
			b.Fatal(err)
		}
		var out benchPage
		if err := json.Unmarshal(body, &out); err != nil {
			b.Fatal(err)
		}
	}
}
