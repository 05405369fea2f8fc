package smsnumbers

import (
	"context"
	"encoding/json"
	"sort"

	"github.com/simkit/simkit/option"
)

const opCountries = "GET /v1/guest/countries"

// Country is one country numbers can be bought in, with its operators.
type Country struct {
	Name     string   // the API's country key, e.g. "afghanistan"
	ISO      []string // ISO codes, e.g. ["af"]
	Prefixes []string // dialling prefixes, e.g. ["+93"]
	// TextEN is the country's name in English.
	TextEN string
	// TextRU is the country's name in Russian.
	TextRU string
	// Operators lists every operator key the provider sent, sorted by name.
	Operators []Operator
}

// Operator is one operator of a country and the categories it serves.
type Operator struct {
	// Name is the operator's key, e.g. "virtual18".
	Name string
	// Categories lists the categories the provider flagged for this
	// operator (e.g. activation), sorted; nil when it sent none or an
	// unknown shape.
	Categories []Category
}

// countryFields are the keys of a country object that are not operators.
var countryFields = map[string]bool{"iso": true, "prefix": true, "text_en": true, "text_ru": true}

// Countries lists the countries with their operators, sorted by name
// (GET /v1/guest/countries). Every key of a country other than iso,
// prefix, text_en and text_ru is an operator and is kept. No token is
// sent.
func (c *Client) Countries(ctx context.Context, opts ...option.CallOption) ([]Country, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	var raw map[string]map[string]json.RawMessage
	if err := c.send(ctx, guestRequest(opCountries, "/v1/guest/countries", nil), &raw, opts); err != nil {
		return nil, err
	}
	out := make([]Country, 0, len(raw))
	for name, fields := range raw {
		out = append(out, decodeCountry(name, fields))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func decodeCountry(name string, fields map[string]json.RawMessage) Country {
	c := Country{Name: name, ISO: flagKeys(fields["iso"]), Prefixes: flagKeys(fields["prefix"])}
	_ = json.Unmarshal(fields["text_en"], &c.TextEN)
	_ = json.Unmarshal(fields["text_ru"], &c.TextRU)
	for key, v := range fields {
		if countryFields[key] {
			continue
		}
		op := Operator{Name: key}
		for _, cat := range flagKeys(v) {
			op.Categories = append(op.Categories, Category(cat))
		}
		c.Operators = append(c.Operators, op)
	}
	sort.Slice(c.Operators, func(i, j int) bool { return c.Operators[i].Name < c.Operators[j].Name })
	return c
}

// flagKeys returns the sorted keys of an object like {"af":1} whose flag
// is set; nil for
// anything else, since a field of an unexpected shape must not fail the
// whole list.
func flagKeys(raw json.RawMessage) []string {
	var m map[string]json.RawMessage
	if len(raw) == 0 || json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return nil
	}
	keys := make([]string, 0, len(m))
	for k, v := range m {
		// A 0/false flag means "not offered"; the docs only show 1.
		if s := string(v); s == "0" || s == "false" {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
