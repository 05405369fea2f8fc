package simkittest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"
)

// A client written for the real API, not simkit's, walks the top-up
// journey with each request encoding the API accepts: token, top-up list,
// submit, the order found again by its description, package history.
func TestTopupsPlainClientJourney(t *testing.T) {
	for _, enc := range []string{"multipart", "urlencoded", "json"} {
		t.Run(enc, func(t *testing.T) {
			e := newTopupsEnv(t, nil)
			r := e.sendAs(enc, http.MethodPost, "/customer/v2/token", "", map[string]string{
				"client_id": topupsTestID, "client_secret": topupsTestSecret, "grant_type": "client_credentials"}, "")
			require.Equal(t, http.StatusOK, r.status, r.body)
			var tokAns struct {
				Data struct {
					AccessToken string `json:"access_token"`
				} `json:"data"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.body), &tokAns))
			tok := tokAns.Data.AccessToken
			require.NotEmpty(t, tok)

			r = e.send(http.MethodGet, "/customer/v2/sims/"+TopupsSeedICCID+"/topups", tok, nil, "")
			require.Equal(t, http.StatusOK, r.status, r.body)
			var list struct {
				Data []struct {
					ID    string  `json:"id"`
					Price float64 `json:"price"`
				} `json:"data"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.body), &list))
			require.NotEmpty(t, list.Data)

			ref := "customer-42/" + enc
			r = e.sendAs(enc, http.MethodPost, "/customer/v2/orders/topups", tok, map[string]string{
				"package_id": list.Data[0].ID, "iccid": TopupsSeedICCID, "description": ref}, "")
			require.Equal(t, http.StatusOK, r.status, r.body)
			var order struct {
				Data struct {
					ID          int64   `json:"id"`
					Description string  `json:"description"`
					Price       float64 `json:"price"`
				} `json:"data"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.body), &order))
			require.Equal(t, ref, order.Data.Description)
			require.Equal(t, list.Data[0].Price, order.Data.Price, "the order's price is the package's retail price")

			q := url.Values{"include": {"status"}, "filter[description]": {ref}, "filter[iccid]": {TopupsSeedICCID}, "type": {"topup"}}
			r = e.send(http.MethodGet, "/customer/v2/orders?"+q.Encode(), tok, nil, "")
			require.Equal(t, http.StatusOK, r.status, r.body)
			var orders struct {
				Data []struct {
					ID     int64 `json:"id"`
					Status struct {
						Slug string `json:"slug"`
					} `json:"status"`
				} `json:"data"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.body), &orders))
			require.Len(t, orders.Data, 1)
			require.Equal(t, order.Data.ID, orders.Data[0].ID)
			require.Equal(t, "completed", orders.Data[0].Status.Slug)

			r = e.send(http.MethodGet, "/customer/v2/sims/"+TopupsSeedICCID+"/packages", tok, nil, "")
			require.Equal(t, http.StatusOK, r.status, r.body)
			var hist struct {
				Data []struct {
					Package struct {
						ID string `json:"id"`
					} `json:"package"`
				} `json:"data"`
			}
			require.NoError(t, json.Unmarshal([]byte(r.body), &hist))
			require.Len(t, hist.Data, 2, "the original package and the top-up")
			require.Equal(t, list.Data[0].ID, hist.Data[1].Package.ID)
		})
	}
}
