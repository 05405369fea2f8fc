package jsonx

import (
	"encoding/json"
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

var benchBody = []byte(`{"success":true,"data":{"balance":"-120.50","currency":"USD","reserved_amount":"0.00","available_balance":"379.50","allow_overdraft":true,"overdraft_limit":"500.00","is_overdrafted":true}}`)

// BenchmarkKeepExtra is the extra pass over a typical small answer, to
// compare with decoding it.
func BenchmarkKeepExtra(b *testing.B) {
	var out envelopeOf[*benchBalance]
	if err := json.Unmarshal(benchBody, &out); err != nil {
		b.Fatal(err)
	}
	b.Run("decode", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			var o envelopeOf[*benchBalance]
			_ = json.Unmarshal(benchBody, &o)
		}
	})
	b.Run("keep", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			KeepExtra(benchBody, &out, false)
		}
	})
}
