package jsonx

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

type benchBalance struct {
	Balance          string                     `json:"balance"`
	Currency         string                     `json:"currency"`
	ReservedAmount   string                     `json:"reserved_amount"`
	AvailableBalance string                     `json:"available_balance"`
	AllowOverdraft   bool                       `json:"allow_overdraft"`
	OverdraftLimit   string                     `json:"overdraft_limit"`
	IsOverdrafted    bool                       `json:"is_overdrafted"`
	Extra            map[string]json.RawMessage `json:"-"`
}

// benchPackage is a list item with a nested plain object (no Extra
// inside) and longer strings, as catalogue answers have.
type benchPackage struct {
	ID       string                         `json:"id"`
	Title    string                         `json:"title"`
	Price    json.Number                    `json:"price"`
	Day      int                            `json:"day"`
	Operator struct{ Name, Country string } `json:"operator"`
	Tags     []string                       `json:"tags"`
	Extra    map[string]json.RawMessage     `json:"-"`
}

var benchBody = []byte(`{"success":true,"data":{"balance":"-120.50","currency":"USD","reserved_amount":"0.00","available_balance":"379.50","allow_overdraft":true,"overdraft_limit":"500.00","is_overdrafted":true}}`)

// benchUnknown has one member benchBalance does not model.
var benchUnknown = []byte(`{"success":true,"data":{"balance":"-120.50","currency":"USD","reserved_amount":"0.00","available_balance":"379.50","allow_overdraft":true,"overdraft_limit":"500.00","is_overdrafted":true,"credit_tier":"gold"}}`)

// cpuPerOp reports the CPU time per operation (cpu-ns/op) when the
// benchmark ends: ns/op is wall time, which doubles whenever another
// program takes the core.
func cpuPerOp(b *testing.B) func() {
	start := cpuTime()
	return func() { b.ReportMetric(float64(cpuTime()-start)/float64(b.N), "cpu-ns/op") }
}

func benchIndented(b *testing.B, body []byte) []byte {
	var buf bytes.Buffer
	if err := json.Indent(&buf, body, "", "  "); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

func benchList() []byte {
	item := `{"id":"bonjour-30days-3gb-topup","title":"3 GB - 30 Days, Europe and the Mediterranean","price":19.00,"day":30,"operator":{"Name":"Bonjour Mobile \"EU\"","Country":"FR"},"tags":["data","voice","5g"]}`
	return []byte(`{"data":[` + strings.TrimSuffix(strings.Repeat(item+",", 20), ",") + `]}`)
}

// BenchmarkKeepExtra is the extra pass over typical answers, to compare
// with decoding them: keep is a small compact answer (as the pairs'
// partner balance), indented the same answer pretty-printed (as the
// fixtures are), unknown the same with one member kept, list 20 items
// with a nested plain object each.
func BenchmarkKeepExtra(b *testing.B) {
	var out envelopeOf[*benchBalance]
	if err := json.Unmarshal(benchBody, &out); err != nil {
		b.Fatal(err)
	}
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		defer cpuPerOp(b)()
		for range b.N {
			var o envelopeOf[*benchBalance]
			_ = json.Unmarshal(benchBody, &o)
		}
	})
	b.Run("keep", func(b *testing.B) {
		b.ReportAllocs()
		defer cpuPerOp(b)()
		for range b.N {
			KeepExtra(benchBody, &out, false)
		}
	})
	indented := benchIndented(b, benchBody)
	b.Run("indented", func(b *testing.B) {
		b.ReportAllocs()
		defer cpuPerOp(b)()
		for range b.N {
			KeepExtra(indented, &out, false)
		}
	})
	b.Run("unknown", func(b *testing.B) {
		b.ReportAllocs()
		defer cpuPerOp(b)()
		for range b.N {
			KeepExtra(benchUnknown, &out, true)
		}
	})
	list := benchList()
	var lout envelopeOf[[]benchPackage]
	if err := json.Unmarshal(list, &lout); err != nil {
		b.Fatal(err)
	}
	b.Run("list", func(b *testing.B) {
		b.ReportAllocs()
		defer cpuPerOp(b)()
		for range b.N {
			KeepExtra(list, &lout, false)
		}
	})
}
