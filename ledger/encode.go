package ledger

import (
	"encoding/json"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/shopspring/decimal"
)

// encodeEntry appends e's JSON to dst: byte for byte what json.Marshal
// writes, without reflection. Every money call encodes its entry twice,
// and reflection was most of what the ledger cost a call in memory. A
// value the fast path does not cover (a string to escape, a time
// json.Marshal refuses) hands the whole entry to json.Marshal, so the
// output and its errors stay encoding/json's.
func encodeEntry(dst []byte, e *Entry) ([]byte, error) {
	b, ok := appendEntry(dst, e)
	if ok {
		return b, nil
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	return append(dst, raw...), nil
}

func appendEntry(b []byte, e *Entry) ([]byte, bool) {
	ok := true
	str := func(name, v string, omitEmpty bool) {
		if omitEmpty && v == "" {
			return
		}
		b = append(b, name...)
		b, ok = appendString(b, v, ok)
	}
	when := func(name string, t time.Time) {
		b = append(b, name...)
		b, ok = appendTime(b, t, ok)
	}
	str(`{"id":`, e.ID, false)
	str(`,"provider":`, e.Provider, false)
	str(`,"call":`, e.Call, false)
	str(`,"reference":`, e.Reference, true)
	str(`,"subject":`, e.Subject, true)
	str(`,"state":`, string(e.State), false)
	if e.Ambiguous {
		b = append(b, `,"ambiguous":true`...)
	}
	if len(e.ProviderIDs) > 0 {
		b = append(b, `,"provider_ids":[`...)
		for i, id := range e.ProviderIDs {
			if i > 0 {
				b = append(b, ',')
			}
			b, ok = appendString(b, id, ok)
		}
		b = append(b, ']')
	}
	b = append(b, `,"amount":`...)
	b = appendAmount(b, e.Amount)
	str(`,"currency":`, e.Currency, true)
	when(`,"started":`, e.Started)
	when(`,"window_start":`, e.WindowStart)
	when(`,"window_end":`, e.WindowEnd)
	when(`,"updated":`, e.Updated)
	if len(e.Meta) > 0 {
		b = append(b, `,"meta":{`...)
		keys := make([]string, 0, len(e.Meta))
		for k := range e.Meta {
			keys = append(keys, k)
		}
		slices.Sort(keys) // as encoding/json orders a map's keys
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b, ok = appendString(b, k, ok)
			b = append(b, ':')
			b, ok = appendString(b, e.Meta[k], ok)
		}
		b = append(b, '}')
	}
	return append(b, '}'), ok
}

// appendString quotes s when encoding/json would write it unchanged:
// printable ASCII without the characters it escapes (quote, backslash,
// and <, >, & for HTML). Anything else reports !ok.
func appendString(b []byte, s string, ok bool) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= utf8.RuneSelf || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return b, false
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), ok
}

// appendTime writes t as time.Time's MarshalJSON does (RFC 3339 with
// nanoseconds), and reports !ok for a time it would refuse: a year outside
// 0-9999 or a zone offset of a day or more.
func appendTime(b []byte, t time.Time, ok bool) ([]byte, bool) {
	if y := t.Year(); y < 0 || y > 9999 {
		return b, false
	}
	if _, off := t.Zone(); off <= -24*3600 || off >= 24*3600 {
		return b, false
	}
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), ok
}

// appendAmount writes a NullDecimal as its MarshalJSON does: null, or the
// decimal quoted unless the program asked decimal for bare numbers.
func appendAmount(b []byte, d decimal.NullDecimal) []byte {
	if !d.Valid {
		return append(b, "null"...)
	}
	if decimal.MarshalJSONWithoutQuotes {
		return append(b, d.Decimal.String()...)
	}
	b = append(b, '"')
	b = append(b, d.Decimal.String()...)
	return append(b, '"')
}
