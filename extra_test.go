package simkit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/esimstory"
	"github.com/simkit/simkit/observe"
	"github.com/simkit/simkit/option"
	"github.com/simkit/simkit/partner"
	"github.com/simkit/simkit/signing"
	"github.com/simkit/simkit/smsnumbers"
	"github.com/simkit/simkit/topups"
)

// driftObserver records UnknownFields events.
type driftObserver struct {
	observe.Base
	mu     sync.Mutex
	events []observe.UnknownFields
}

func (o *driftObserver) UnknownFields(_ context.Context, e observe.UnknownFields) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.events = append(o.events, e)
}

func (o *driftObserver) fields(route string) []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []string
	for _, e := range o.events {
		if e.Route == route {
			out = append(out, e.Fields...)
		}
	}
	return out
}

// drift is a member no provider sends today, added to published examples
// to play a provider that grew a field.
const driftMember = "loyalty_tier"

var driftValue = json.RawMessage(`{"tier":"gold","since":"2027-01-01"}`)

// withDrift adds driftMember to every object at each path of body: keys
// separated by ".", "[]" for every element of a list, "" for the root.
func withDrift(t *testing.T, body []byte, paths ...string) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var tree any
	require.NoError(t, dec.Decode(&tree))
	var add func(node any, steps []string)
	add = func(node any, steps []string) {
		if len(steps) == 0 {
			obj, ok := node.(map[string]any)
			require.True(t, ok, "drift path must end at an object")
			obj[driftMember] = driftValue
			return
		}
		step := steps[0]
		if step == "[]" {
			for _, el := range node.([]any) {
				add(el, steps[1:])
			}
			return
		}
		add(node.(map[string]any)[step], steps[1:])
	}
	for _, p := range paths {
		var steps []string
		for _, s := range strings.Split(p, ".") {
			if s == "" {
				continue
			}
			if name, ok := strings.CutSuffix(s, "[]"); ok {
				if name != "" {
					steps = append(steps, name)
				}
				steps = append(steps, "[]")
				continue
			}
			steps = append(steps, s)
		}
		add(tree, steps)
	}
	out, err := json.Marshal(tree)
	require.NoError(t, err)
	return out
}

type driftClients struct {
	partner   *partner.Client
	sms       *smsnumbers.Client
	esimstory *esimstory.Client
	topups    *topups.Client
}

// TestUnknownFieldsSurvive plays a provider adding a member to the
// objects of its published examples: every typed result keeps it in
// Extra, readable as sent, and the observer counts it under the call's
// route. The examples as published decode with nothing unknown.
func TestUnknownFieldsSurvive(t *testing.T) {
	const iccid = "89852341234567890123"
	tests := []struct {
		name     string
		file     string // under testdata/
		path     string // served at
		drift    []string
		route    string
		types    []string // reported as Type.member
		extras   func(ctx context.Context, c driftClients) ([]map[string]json.RawMessage, error)
		answered int // extras expected non-nil
	}{
		{name: "partner balance", file: "partner/published/balance.json", path: "/balance", drift: []string{"data"},
			route: "GET /balance", types: []string{"Balance"},
			extras: func(ctx context.Context, c driftClients) ([]map[string]json.RawMessage, error) {
				b, err := c.partner.Balance(ctx)
				if err != nil {
					return nil, err
				}
				return []map[string]json.RawMessage{b.Extra}, nil
			}},
		{name: "partner order and its lines", file: "partner/published/order.json", path: "/orders/7898e683-4e56-44a3-9782-eca3f758a844",
			drift: []string{"data", "data.items[]"}, route: "GET /orders/{uuid}", types: []string{"Order", "OrderItem"},
			extras: func(ctx context.Context, c driftClients) ([]map[string]json.RawMessage, error) {
				o, err := c.partner.GetOrder(ctx, "7898e683-4e56-44a3-9782-eca3f758a844")
				if err != nil {
					return nil, err
				}
				out := []map[string]json.RawMessage{o.Extra}
				for _, it := range o.Items {
					out = append(out, it.Extra)
				}
				return out, nil
			}},
		{name: "partner products page", file: "partner/published/products.json", path: "/catalog/products", drift: []string{"data[]"},
			route: "GET /catalog/products", types: []string{"Product"},
			extras: func(ctx context.Context, c driftClients) ([]map[string]json.RawMessage, error) {
				pg, err := c.partner.ListProducts(ctx, partner.ListProductsParams{})
				if err != nil {
					return nil, err
				}
				var out []map[string]json.RawMessage
				for _, p := range pg.Items {
					out = append(out, p.Extra)
				}
				return out, nil
			}},
		{name: "partner me (decoded by the package)", file: "partner/published/me.json", path: "/me", drift: []string{"data.partner"},
			route: "GET /me", types: []string{"Partner"},
			extras: func(ctx context.Context, c driftClients) ([]map[string]json.RawMessage, error) {
				p, err := c.partner.Me(ctx)
				if err != nil {
					return nil, err
				}
				return []map[string]json.RawMessage{p.Extra}, nil
			}},
		{name: "SMS order with its SMS", file: "smsnumbers/published/check.json", path: "/v1/user/check/11631253", drift: []string{"", "sms[]"},
			route: "GET /v1/user/check/{id}", types: []string{"Order", "SMS"},
			extras: func(ctx context.Context, c driftClients) ([]map[string]json.RawMessage, error) {
				o, err := c.sms.Check(ctx, 11631253)
				if err != nil {
					return nil, err
				}
				out := []map[string]json.RawMessage{o.Extra}
				for _, s := range o.SMS {
					out = append(out, s.Extra)
				}
				return out, nil
			}},
		{name: "SMS profile", file: "smsnumbers/published/profile.json", path: "/v1/user/profile", drift: []string{"", "default_country"},
			route: "GET /v1/user/profile", types: []string{"Profile", "CountryRef"},
			extras: func(ctx context.Context, c driftClients) ([]map[string]json.RawMessage, error) {
				p, err := c.sms.Profile(ctx)
				if err != nil {
					return nil, err
				}
				return []map[string]json.RawMessage{p.Extra, p.DefaultCountry.Extra}, nil
			}},
		{name: "SMS orders page", file: "smsnumbers/published/orders.json", path: "/v1/user/orders", drift: []string{"Data[]"},
			route: "GET /v1/user/orders", types: []string{"Order"},
			extras: func(ctx context.Context, c driftClients) ([]map[string]json.RawMessage, error) {
				pg, err := c.sms.ListOrders(ctx, smsnumbers.ListOrdersParams{Category: smsnumbers.CategoryActivation})
				if err != nil {
					return nil, err
				}
				var out []map[string]json.RawMessage
				for _, o := range pg.Items {
					out = append(out, o.Extra)
				}
				return out, nil
			}},
		{name: "eSIM Story order and its units", file: "esimstory/published/order_response.json", path: "/api/v1/api_partner/orders", drift: []string{"", "products[]"},
			route: "POST /v1/api_partner/orders", types: []string{"Order", "OrderedUnit"},
			extras: func(ctx context.Context, c driftClients) ([]map[string]json.RawMessage, error) {
				o, err := c.esimstory.CreateOrder(ctx, esimstory.CreateOrderParams{ExternalOrderID: "drift-1",
					Products: []esimstory.OrderProductParams{{OptionID: "a1b2c3d4-e5f6-7890-abcd-ef1234567890", Qty: 1}, {OptionID: "b2c3d4e5-f6a7-8901-bcde-f12345678901", Qty: 2}}})
				if err != nil {
					return nil, err
				}
				out := []map[string]json.RawMessage{o.Extra}
				for _, u := range o.Units {
					out = append(out, u.Extra)
				}
				return out, nil
			}},
		{name: "top-up packages", file: "topups/published/topups_list.json", path: "/customer/v2/sims/" + iccid + "/topups", drift: []string{"data[]"},
			route: "GET /customer/v2/sims/{iccid}/topups", types: []string{"Package"},
			extras: func(ctx context.Context, c driftClients) ([]map[string]json.RawMessage, error) {
				l, err := c.topups.TopupPackages(ctx, iccid)
				if err != nil {
					return nil, err
				}
				var out []map[string]json.RawMessage
				for _, p := range l.Packages {
					out = append(out, p.Extra)
				}
				return out, nil
			}},
		{name: "package history, through its cache", file: "topups/published/package_history.json", path: "/customer/v2/sims/" + iccid + "/packages", drift: []string{"data[]"},
			route: "GET /customer/v2/sims/{iccid}/packages", types: []string{"HistoryPackage"},
			extras: func(ctx context.Context, c driftClients) ([]map[string]json.RawMessage, error) {
				h, err := c.topups.PackageHistory(ctx, iccid)
				if err != nil {
					return nil, err
				}
				var out []map[string]json.RawMessage
				for _, p := range h.Packages {
					out = append(out, p.Extra)
				}
				return out, nil
			}},
	}
	for _, tt := range tests {
		published, err := os.ReadFile(filepath.Join("testdata", tt.file))
		require.NoError(t, err)
		token, err := os.ReadFile(filepath.Join("testdata", "topups", "published", "token.json"))
		require.NoError(t, err)
		for _, drifted := range []bool{false, true} {
			name := tt.name + "/as published"
			body := published
			if drifted {
				name = tt.name + "/with a new member"
				body = withDrift(t, published, tt.drift...)
			}
			t.Run(name, func(t *testing.T) {
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/json")
					switch r.URL.Path {
					case tt.path:
						_, _ = w.Write(body)
					case "/customer/v2/token":
						_, _ = w.Write(token)
					default:
						w.WriteHeader(http.StatusNotFound)
					}
				}))
				defer srv.Close()
				obs := &driftObserver{}
				c := driftClientsFor(t, srv.URL, obs)
				got, err := tt.extras(context.Background(), c)
				require.NoError(t, err)
				require.NotEmpty(t, got)
				for i, extra := range got {
					if !drifted {
						require.Nil(t, extra, "result %d: the published example holds nothing simkit does not model", i)
						continue
					}
					require.Equal(t, map[string]json.RawMessage{driftMember: driftValue}, extra, "result %d keeps the new member as sent", i)
				}
				fields := obs.fields(tt.route)
				if !drifted {
					require.Empty(t, fields)
					return
				}
				var want []string
				for _, typ := range tt.types {
					want = append(want, typ+"."+driftMember)
				}
				slices.Sort(want)
				require.Equal(t, want, fields, "one event for the call, naming each type once")
			})
		}
	}
}

func driftClientsFor(t *testing.T, base string, obs observe.Observer) driftClients {
	t.Helper()
	shared := option.Shared{Observer: obs, Limiter: option.NoLimit}
	p, err := partner.New(func(o *partner.Options) {
		o.Shared, o.BaseURL, o.Token, o.Secret = shared, base, signing.NewSecret("tok"), signing.NewSecret("sec")
	})
	require.NoError(t, err)
	s, err := smsnumbers.New(func(o *smsnumbers.Options) { o.Shared, o.BaseURL, o.Token = shared, base, signing.NewSecret("tok") })
	require.NoError(t, err)
	e, err := esimstory.New(func(o *esimstory.Options) {
		o.Shared, o.BaseURL, o.AccessKey, o.SecretKey = shared, base+"/api", signing.NewSecret("ak"), signing.NewSecret("c2VjcmV0")
	})
	require.NoError(t, err)
	tp, err := topups.New(func(o *topups.Options) {
		o.Shared, o.BaseURL, o.ClientID, o.ClientSecret = shared, base, "id", signing.NewSecret("sec")
	})
	require.NoError(t, err)
	return driftClients{partner: p, sms: s, esimstory: e, topups: tp}
}
