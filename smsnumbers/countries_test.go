package smsnumbers

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCountriesKeepsAllOperators: every key that is not iso, prefix,
// text_en or text_ru is an operator, whatever its name.
func TestCountriesKeepsAllOperators(t *testing.T) {
	h := newHarness(t)
	h.reply(text(http.StatusOK, fixture(t, "countries.json")))
	got, err := h.c.Countries(context.Background())
	require.NoError(t, err)
	act := []Category{CategoryActivation}
	require.Equal(t, []Country{{
		Name: "afghanistan", ISO: []string{"af"}, Prefixes: []string{"+93"}, TextEN: "Afghanistan", TextRU: "Афганистан",
		Operators: []Operator{
			{Name: "virtual18", Categories: act}, {Name: "virtual21", Categories: act},
			{Name: "virtual23", Categories: act}, {Name: "virtual4", Categories: act},
		},
	}}, got)
}

func TestCountriesOddShapes(t *testing.T) {
	h := newHarness(t)
	h.reply(text(http.StatusOK, `{
		"zimbabwe": {"iso": {"zw": 1}, "prefix": {"+263": 1, "+2630": 0}, "text_en": "Zimbabwe",
			"econet": {"activation": 1, "hosting": 1}, "netone": {"activation": 0}, "telecel": 1},
		"albania": {"text_en": "Albania", "any": {}}
	}`))
	got, err := h.c.Countries(context.Background())
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, "albania", got[0].Name, "sorted by name")
	require.Equal(t, []Operator{{Name: "any"}}, got[0].Operators)
	require.Nil(t, got[0].ISO)
	z := got[1]
	require.Equal(t, []string{"+263"}, z.Prefixes, "a 0 flag is not offered")
	require.Equal(t, []Operator{
		{Name: "econet", Categories: []Category{CategoryActivation, CategoryHosting}},
		{Name: "netone"},
		{Name: "telecel"},
	}, z.Operators, "operators of unexpected shape are kept too")
}
