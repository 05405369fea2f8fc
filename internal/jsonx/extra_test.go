package jsonx

import (
	"encoding/json"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"
)

type extraItem struct {
	ID    string                     `json:"id"`
	Extra map[string]json.RawMessage `json:"-"`
}

type extraPlain struct {
	Name string `json:"name"`
}

type extraOuter struct {
	Title  string                     `json:"title"`
	Items  []extraItem                `json:"items"`
	Ptr    *extraItem                 `json:"ptr"`
	ByKey  map[string]extraItem       `json:"by_key"`
	Plain  extraPlain                 `json:"plain"`
	Nested struct{ Inner *Inner }     `json:"nested"`
	Hidden string                     `json:"-"`
	Extra  map[string]json.RawMessage `json:"-" extra:"order_id"`
}

type Inner struct {
	A     int                        `json:"a"`
	Extra map[string]json.RawMessage `json:"-"`
}

type envelopeOf[T any] struct {
	Success bool `json:"success"`
	Data    T    `json:"data"`
}

func TestKeepExtra(t *testing.T) {
	body := []byte(`{"success":true,"data":{
		"TITLE":"t","order_id":7,"hidden":"h","new_top":{"x":[1,"]}"]},
		"items":[{"id":"1"},{"id":"2","tier":"gold","esc\"aped":null}],
		"ptr":{"id":"3","n":1.5e3},
		"by_key":{"k":{"id":"4","z":true}},
		"plain":{"name":"p","ignored":1},
		"nested":{"Inner":{"a":1,"b":[{}]}}
	}}`)
	var out envelopeOf[*extraOuter]
	require.NoError(t, json.Unmarshal(body, &out))
	seen := KeepExtra(body, &out, true)

	o := out.Data
	require.Equal(t, map[string]json.RawMessage{"hidden": json.RawMessage(`"h"`), "new_top": json.RawMessage(`{"x":[1,"]}"]}`)}, o.Extra,
		"case-insensitive names and declared aliases are known; a json:\"-\" field is not")
	require.Nil(t, o.Items[0].Extra, "nothing unknown: nil")
	require.Equal(t, map[string]json.RawMessage{"tier": json.RawMessage(`"gold"`), `esc"aped`: json.RawMessage(`null`)}, o.Items[1].Extra)
	require.Equal(t, map[string]json.RawMessage{"n": json.RawMessage(`1.5e3`)}, o.Ptr.Extra)
	require.Equal(t, map[string]json.RawMessage{"z": json.RawMessage(`true`)}, o.ByKey["k"].Extra)
	require.Equal(t, map[string]json.RawMessage{"b": json.RawMessage(`[{}]`)}, o.Nested.Inner.Extra)
	sort.Strings(seen)
	require.Equal(t, []string{"Inner.b", "extraItem.esc\"aped", "extraItem.n", "extraItem.tier", "extraItem.z", "extraOuter.hidden", "extraOuter.new_top"}, seen,
		"a type without an Extra field (extraPlain) reports nothing")
}

func TestKeepExtraIgnoresOtherShapes(t *testing.T) {
	tests := []struct {
		name string
		body string
		out  any
	}{
		{name: "no Extra anywhere", body: `{"name":"p","x":1}`, out: &extraPlain{}},
		{name: "string where an object is expected", body: `{"items":"none","ptr":null}`, out: &extraOuter{}},
		{name: "more elements than decoded", body: `[{"id":"1","x":1}]`, out: &[]extraItem{}},
		{name: "truncated", body: `{"items":[{"id":"1","x":`, out: &extraOuter{}},
		{name: "not a pointer", body: `{}`, out: extraOuter{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NotPanics(t, func() { KeepExtra([]byte(tt.body), tt.out, false) })
		})
	}
}

func TestMarshalKeepsExtra(t *testing.T) {
	body := []byte(`{"title":"t","n":12345678901234567890.5,"items":[{"id":"1","tier":"gold"}],"ptr":{"id":"2"},"by_key":{"k":{"id":"3","z":[1]}}}`)
	var in extraOuter
	require.NoError(t, Unmarshal(body, &in))
	require.Equal(t, json.RawMessage(`12345678901234567890.5`), in.Extra["n"])

	b, err := Marshal(&in)
	require.NoError(t, err)
	var back extraOuter
	require.NoError(t, Unmarshal(b, &back))
	require.Equal(t, in.Extra, back.Extra, "numbers keep their exact text")
	require.Equal(t, in.Items[0].Extra, back.Items[0].Extra)
	require.Nil(t, back.Ptr.Extra)
	require.Equal(t, in.ByKey["k"].Extra, back.ByKey["k"].Extra)

	plain, err := json.Marshal(extraPlain{Name: "p"})
	require.NoError(t, err)
	got, err := Marshal(extraPlain{Name: "p"})
	require.NoError(t, err)
	require.Equal(t, plain, got, "a type without Extra marshals as json.Marshal does")
}
