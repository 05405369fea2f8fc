package ledger

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// The hand-written encoder must write exactly what json.Marshal writes:
// entries written by older releases, and by replicas not yet upgraded,
// are read back with encoding/json.
func TestEncodeEntryMatchesEncodingJSON(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 890_000_000, time.UTC)
	moscow := time.FixedZone("MSK", 3*3600)
	odd := time.FixedZone("LMT", 2*3600+30*60+17)
	full := Entry{
		ID: "0123456789abcdef01234567", Provider: "smsnumbers", Call: "GET /v1/user/buy/activation/{country}/{operator}/{product}",
		Reference: "GET /v1/user/buy/activation/russia/any/telegram", Subject: "activation/russia/any/telegram",
		State: StateDone, Ambiguous: true, ProviderIDs: []string{"42", "43"},
		Amount: decimal.NewNullDecimal(decimal.RequireFromString("-1.50")), Currency: "RUB",
		Started: t0, WindowStart: t0.Add(time.Nanosecond), WindowEnd: t0.Add(time.Second), Updated: t0.In(moscow),
		Meta: map[string]string{"units": "3", "class": "timeout", "a": ""},
	}
	for name, e := range map[string]Entry{
		"zero":           {},
		"full":           full,
		"in flight":      {ID: "x", Provider: "partner", Call: "POST /orders", State: StateInFlight, Started: t0, WindowStart: t0, Updated: t0},
		"empty lists":    {ProviderIDs: []string{}, Meta: map[string]string{}},
		"quote":          {Reference: `say "hi"`},
		"backslash":      {Subject: `a\b`},
		"html":           {Reference: "<a href='x'>&</a>"},
		"control":        {Call: "a\nb\tc\x00"},
		"unicode":        {Subject: "москва/ü"},
		"line separator": {Meta: map[string]string{"k\u2028": "v\u2029"}},
		"invalid utf-8":  {ProviderIDs: []string{"\xff\xfe"}},
		"del":            {ID: "a\x7fb"},
		"odd offset":     {Started: t0.In(odd)},
		"local":          {Updated: time.Unix(1_700_000_000, 123).Local()},
		"monotonic":      {Started: time.Now()},
		"zero amount":    {Amount: decimal.NewNullDecimal(decimal.Zero)},
		"big amount":     {Amount: decimal.NewNullDecimal(decimal.RequireFromString("123456789012345678901234567890.000000001"))},
	} {
		t.Run(name, func(t *testing.T) {
			want, err := json.Marshal(&e)
			require.NoError(t, err)
			got, err := encodeEntry([]byte("prefix"), &e)
			require.NoError(t, err)
			require.Equal(t, "prefix"+string(want), string(got))
		})
	}
}

func TestEncodeEntryRefusesWhatJSONRefuses(t *testing.T) {
	for name, e := range map[string]Entry{
		"year 10000":  {Started: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		"year -1":     {WindowEnd: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)},
		"offset 24h":  {Updated: time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("X", 24*3600))},
		"offset -24h": {WindowStart: time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("Y", -24*3600))},
	} {
		t.Run(name, func(t *testing.T) {
			_, want := json.Marshal(&e)
			require.Error(t, want)
			_, err := encodeEntry(nil, &e)
			require.Error(t, err)
		})
	}
}

func TestEncodeEntryBareDecimals(t *testing.T) {
	decimal.MarshalJSONWithoutQuotes = true
	defer func() { decimal.MarshalJSONWithoutQuotes = false }()
	e := Entry{Amount: decimal.NewNullDecimal(decimal.RequireFromString("2.5"))}
	want, err := json.Marshal(&e)
	require.NoError(t, err)
	got, err := encodeEntry(nil, &e)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
}

func FuzzEncodeEntry(f *testing.F) {
	f.Add("id", "ref<&>", "subj\"", "k", "v", int64(1_700_000_000_123_456_789), int64(3600), "1.5")
	f.Fuzz(func(t *testing.T, id, ref, subject, k, v string, ns, off int64, amount string) {
		zone := time.FixedZone("z", int(off%(48*3600)))
		when := time.Unix(0, ns).In(zone)
		e := Entry{ID: id, Reference: ref, Subject: subject, Meta: map[string]string{k: v}, ProviderIDs: []string{v, k},
			Started: when, WindowEnd: when.Add(time.Duration(off))}
		// A short amount: an exponent of a billion is a string of a billion
		// digits, whichever encoder writes it.
		if d, err := decimal.NewFromString(amount); err == nil && len(amount) <= 40 && !strings.ContainsAny(amount, "eE") {
			e.Amount = decimal.NewNullDecimal(d)
		}
		want, werr := json.Marshal(&e)
		got, gerr := encodeEntry(nil, &e)
		if (werr == nil) != (gerr == nil) {
			t.Fatalf("json.Marshal error %v, encodeEntry error %v", werr, gerr)
		}
		if werr == nil && string(want) != string(got) {
			t.Fatalf("json.Marshal %s\nencodeEntry  %s", want, got)
		}
	})
}

// The fast path must cover what money calls write (printable ASCII, with
// spaces and punctuation) and leave to encoding/json only what it escapes:
// an entry falling back for nothing costs the reflection the encoder is
// there to save.
func TestAppendEntryFastPath(t *testing.T) {
	t0 := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	plain := func(s string) Entry {
		return Entry{ID: "id", Provider: "esimstory", Call: "POST /orders", Reference: s, Subject: s,
			ProviderIDs: []string{s}, Meta: map[string]string{"k": s}, Started: t0, Updated: t0}
	}
	for _, s := range []string{"", " ", "GET /v1/user/buy/activation/russia/any/telegram?x=1", "a\x7fb", "!#$%'()*+,-./:;=?@[]^_`{|}~"} {
		e := plain(s)
		_, ok := appendEntry(nil, &e)
		require.True(t, ok, "%q takes the fast path", s)
	}
	for _, s := range []string{`"`, `\`, "<", ">", "&", "\x1f", "\x00", "\x80", "é"} {
		for name, e := range map[string]Entry{
			"reference": {Reference: s}, "subject": {Subject: s}, "id": {ID: s},
			"provider id": {ProviderIDs: []string{"1", s}}, "meta key": {Meta: map[string]string{s: "v"}},
			"meta value": {Meta: map[string]string{"k": s}},
		} {
			_, ok := appendEntry(nil, &e)
			require.False(t, ok, "%s %q goes to encoding/json", name, s)
			want, err := json.Marshal(&e)
			require.NoError(t, err)
			got, err := encodeEntry(nil, &e)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got), "%s %q", name, s)
		}
	}
	far := Entry{Started: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	_, ok := appendEntry(nil, &far)
	require.False(t, ok, "a time json.Marshal refuses goes to encoding/json")
}
