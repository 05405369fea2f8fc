package simkittest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// publishedPath is where a provider's documented examples are kept
// (testdata/<provider>/published, each with where it came from).
func publishedPath(provider, name string) string {
	return filepath.Join("..", "testdata", provider, "published", name)
}

// published reads one of a provider's documented examples.
func published(t *testing.T, provider, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(publishedPath(provider, name))
	require.NoError(t, err)
	return b
}

// decodeJSON decodes b keeping numbers as json.Number, so a large id
// keeps its digits.
func decodeJSON(t *testing.T, b []byte) any {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	require.NoError(t, d.Decode(&v), string(b))
	return v
}

// shape compares the structure of a fake's answer with a documented
// example: every field of the example at every depth must be in the answer
// with the same JSON type, null where the example shows null (and a value
// where it shows one), and each element of an answer's array must match
// one of the example's elements (the documented variants). An empty object
// or array in the example says nothing about content. The fields say what
// a provider's docs allow to differ.
//
// Paths are "$" for the root, ".name" for a field, "[]" for any array
// element and ".*" for any key of a data-keyed map.
type shape struct {
	// nullable are paths ("$.data[].price") the docs give as nullable:
	// there null and the example's type are both right.
	nullable map[string]bool
	// nullableFields are field names nullable wherever they appear.
	nullableFields map[string]bool
	// maps are objects keyed by data (product, country or operator names)
	// rather than records with fixed fields: every value has the shape of
	// the example's first value.
	maps []string
	// mixed are records with these fixed fields whose other keys are data
	// (a country's operators).
	mixed map[string][]string
	// numericStrings: the provider sends decimals and ids as numbers or
	// numeric strings, so either stands for the other, and a numeric
	// string in the example wants one of the two.
	numericStrings bool
	// extraAllowed: fields beyond the example are returned as extra, not
	// as problems.
	extraAllowed bool
	// elements: a documented array with elements wants at least one.
	elements bool
}

var indexRE = regexp.MustCompile(`\[\d+\]`)

// diff lists every way got differs from want, and (when extraAllowed) the
// paths of the fields only got has.
func (s shape) diff(want, got any) (problems, extra []string) {
	return s.walk("$", want, got)
}

func (s shape) walk(path string, want, got any) (problems, extra []string) {
	rule := indexRE.ReplaceAllString(path, "[]")
	if want == nil || got == nil {
		if s.nullable[rule] || s.nullableFields[path[strings.LastIndex(path, ".")+1:]] {
			return nil, nil
		}
	}
	wk, gk := jsonKind(want), jsonKind(got)
	if s.numericStrings {
		if ws, ok := want.(string); wk == "number" || ok && isDecimal(ws) {
			if !isNumberLike(got) {
				problems = append(problems, fmt.Sprintf("%s: documented a number or numeric string, fake sent %s", path, gk))
			}
			return problems, nil
		}
	}
	if wk != gk {
		return []string{fmt.Sprintf("%s: documented %s, fake sent %s", path, wk, gk)}, nil
	}
	add := func(p, e []string) { problems, extra = append(problems, p...), append(extra, e...) }
	switch w := want.(type) {
	case map[string]any:
		g := got.(map[string]any)
		for _, m := range s.maps {
			if m == rule {
				if len(w) == 0 {
					return nil, nil
				}
				first := w[sortedKeys(w)[0]]
				for _, k := range sortedKeys(g) {
					add(s.walk(path+".*", first, g[k]))
				}
				return problems, extra
			}
		}
		if fixed, ok := s.mixed[rule]; ok {
			return s.mixedMap(path, fixed, w, g)
		}
		for _, k := range sortedKeys(w) {
			gv, ok := g[k]
			if !ok {
				problems = append(problems, path+"."+k+": documented field missing")
				continue
			}
			add(s.walk(path+"."+k, w[k], gv))
		}
		for _, k := range sortedKeys(g) {
			if _, ok := w[k]; ok {
				continue
			}
			if s.extraAllowed {
				extra = append(extra, path+"."+k)
			} else {
				problems = append(problems, path+"."+k+": field not in the documented answer")
			}
		}
	case []any:
		g := got.([]any)
		if len(w) == 0 {
			return nil, nil
		}
		if s.elements && len(g) == 0 {
			problems = append(problems, path+": documented elements, fake sent none")
		}
		for i, gv := range g {
			var best, bestExtra []string
			for j, variant := range w {
				p, e := s.walk(fmt.Sprintf("%s[%d]", path, i), variant, gv)
				if j == 0 || len(p) < len(best) {
					best, bestExtra = p, e
				}
				if len(p) == 0 {
					break
				}
			}
			add(best, bestExtra)
		}
	}
	return problems, extra
}

// mixedMap compares a record whose fixed fields are known and whose other
// keys are data shaped like the example's first data key.
func (s shape) mixedMap(path string, fixed []string, w, g map[string]any) (problems, extra []string) {
	isFixed := map[string]bool{}
	for _, f := range fixed {
		isFixed[f] = true
	}
	add := func(p, e []string) { problems, extra = append(problems, p...), append(extra, e...) }
	for _, f := range fixed {
		wv, wok := w[f]
		gv, gok := g[f]
		switch {
		case wok && !gok:
			problems = append(problems, path+"."+f+": documented field missing")
		case wok:
			add(s.walk(path+"."+f, wv, gv))
		}
	}
	var wData []string
	for _, k := range sortedKeys(w) {
		if !isFixed[k] {
			wData = append(wData, k)
		}
	}
	if len(wData) == 0 {
		return problems, extra
	}
	for _, k := range sortedKeys(g) {
		if !isFixed[k] {
			add(s.walk(path+".*", w[wData[0]], g[k]))
		}
	}
	return problems, extra
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "bool"
	case float64, json.Number:
		return "number"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func isDecimal(s string) bool {
	_, err := decimal.NewFromString(s)
	return err == nil && strings.TrimSpace(s) == s && s != ""
}

func isNumberLike(v any) bool {
	switch x := v.(type) {
	case float64, json.Number:
		return true
	case string:
		return isDecimal(x)
	}
	return false
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// jsonKeyOrder returns the top-level keys of a JSON object in wire order,
// for providers whose docs fix the order of fields.
func jsonKeyOrder(t *testing.T, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

// TestShapeCatchesDrift: the comparison fails on each kind of difference
// under each provider's rules, so a fidelity test that passes means
// something.
func TestShapeCatchesDrift(t *testing.T) {
	// partner: decimals and ids as numbers or strings, documented nulls,
	// extra fields allowed, array variants.
	partner := shape{nullable: map[string]bool{"$.n": true}, numericStrings: true, extraAllowed: true}
	partnerDoc := `{"a":"x","n":"1.00","z":null,"list":[{"k":true}]}`
	// strict (eSIM Story): every field documented, same types, elements wanted.
	strict := shape{elements: true}
	strictDoc := `{"a":"x","n":1,"z":null,"o":{"k":"v"},"l":[{"id":"1"}]}`
	// data-keyed maps (SMS).
	maps := shape{maps: []string{"$.m"}}
	mapsDoc := `{"a":1,"b":null,"c":[{"x":"s"}],"m":{"k1":{"v":1}}}`
	mixed := shape{maps: []string{"$", "$.*.iso", "$.*.*"}, mixed: map[string][]string{"$.*": {"iso"}}}
	mixedDoc := `{"russia":{"iso":{"ru":1},"mts":{"cost":1}}}`
	// nullable by field name, extra allowed (top-ups).
	named := shape{nullableFields: map[string]bool{"voice": true}, extraAllowed: true, elements: true}
	namedDoc := `{"data":[{"voice":null,"price":1}]}`
	variants := shape{extraAllowed: true}
	variantsDoc := `{"l":[{"t":"a","p":null},{"t":"b","p":{"x":1}}]}`

	tests := []struct {
		name      string
		rules     shape
		doc, got  string
		problems  int
		wantExtra []string
	}{
		{"partner: null where the docs allow it", partner, partnerDoc, `{"a":"x","n":null,"z":null,"list":[]}`, 0, nil},
		{"partner: number for a decimal string, extra field", partner, partnerDoc, `{"a":"y","n":1,"z":null,"list":[{"k":false}],"more":1}`, 0, []string{"$.more"}},
		{"partner: missing field", partner, partnerDoc, `{"n":"1","z":null,"list":[]}`, 1, nil},
		{"partner: mistyped field", partner, partnerDoc, `{"a":1,"n":"1","z":null,"list":[]}`, 1, nil},
		{"partner: value where null is documented", partner, partnerDoc, `{"a":"x","n":"1","z":"v","list":[]}`, 1, nil},
		{"partner: array element matching no variant", partner, partnerDoc, `{"a":"x","n":"1","z":null,"list":[{"k":"yes"}]}`, 1, nil},
		{"partner: non-numeric string for a decimal", partner, partnerDoc, `{"a":"x","n":"abc","z":null,"list":[]}`, 1, nil},

		{"strict: same shape, other values", strict, strictDoc, `{"a":"y","n":2,"z":null,"o":{"k":"w"},"l":[{"id":"2"},{"id":"3"}]}`, 0, nil},
		{"strict: undocumented field", strict, strictDoc, `{"a":"y","n":2,"z":null,"o":{"k":"w"},"l":[{"id":"2"}],"extra":1}`, 1, nil},
		{"strict: missing field", strict, strictDoc, `{"n":2,"z":null,"o":{"k":"w"},"l":[{"id":"2"}]}`, 1, nil},
		{"strict: nested field missing", strict, strictDoc, `{"a":"y","n":2,"z":null,"o":{},"l":[{"id":"2"}]}`, 1, nil},
		{"strict: number as string", strict, strictDoc, `{"a":"y","n":"2","z":null,"o":{"k":"w"},"l":[{"id":"2"}]}`, 1, nil},
		{"strict: null sent as absent", strict, strictDoc, `{"a":"y","n":2,"o":{"k":"w"},"l":[{"id":"2"}]}`, 1, nil},
		{"strict: null where a value is documented", strict, strictDoc, `{"a":null,"n":2,"z":null,"o":{"k":"w"},"l":[{"id":"2"}]}`, 1, nil},
		{"strict: array element mistyped", strict, strictDoc, `{"a":"y","n":2,"z":null,"o":{"k":"w"},"l":[{"id":2}]}`, 1, nil},
		{"strict: empty array", strict, strictDoc, `{"a":"y","n":2,"z":null,"o":{"k":"w"},"l":[]}`, 1, nil},

		{"maps: same shape", maps, mapsDoc, `{"a":2,"b":null,"c":[{"x":"t"}],"m":{"q":{"v":3}}}`, 0, nil},
		{"maps: missing field", maps, mapsDoc, `{"b":null,"c":[],"m":{}}`, 1, nil},
		{"maps: extra field", maps, mapsDoc, `{"a":1,"b":null,"c":[],"m":{},"z":1}`, 1, nil},
		{"maps: number as string", maps, mapsDoc, `{"a":"1","b":null,"c":[],"m":{}}`, 1, nil},
		{"maps: null as array", maps, mapsDoc, `{"a":1,"b":[],"c":[],"m":{}}`, 1, nil},
		{"maps: element field missing", maps, mapsDoc, `{"a":1,"b":null,"c":[{}],"m":{}}`, 1, nil},
		{"maps: map value mistyped", maps, mapsDoc, `{"a":1,"b":null,"c":[],"m":{"other":{"v":"1"}}}`, 1, nil},
		{"mixed: other data keys", mixed, mixedDoc, `{"kazakhstan":{"iso":{"kz":1},"beeline":{"cost":2},"tele2":{"cost":3}}}`, 0, nil},
		{"mixed: fixed field missing", mixed, mixedDoc, `{"russia":{"mts":{"cost":1}}}`, 1, nil},
		{"mixed: data value mistyped", mixed, mixedDoc, `{"russia":{"iso":{"ru":1},"mts":{"cost":"1"}}}`, 1, nil},

		{"named: nullable field holds a value", named, namedDoc, `{"data":[{"voice":"100","price":2}]}`, 0, nil},
		{"named: another field null", named, namedDoc, `{"data":[{"voice":null,"price":null}]}`, 1, nil},
		{"named: no entries", named, namedDoc, `{"data":[]}`, 1, nil},

		{"variants: each element matches one", variants, variantsDoc, `{"l":[{"t":"b","p":{"x":2}},{"t":"a","p":null}]}`, 0, nil},
		{"variants: an element matches none", variants, variantsDoc, `{"l":[{"t":"b","p":{"x":"2"}}]}`, 1, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, e := tt.rules.diff(decodeJSON(t, []byte(tt.doc)), decodeJSON(t, []byte(tt.got)))
			require.Len(t, p, tt.problems, p)
			require.Equal(t, tt.wantExtra, e)
		})
	}
}

func TestJSONKeyOrder(t *testing.T) {
	require.Equal(t, []string{"z", "a", "m"}, jsonKeyOrder(t, []byte(`{"z":1,"a":{"y":2,"b":3},"m":[1]}`)))
}
