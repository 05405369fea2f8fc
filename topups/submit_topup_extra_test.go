package topups

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/jarcoal/httpmock"
	"github.com/stretchr/testify/require"
)

// A submitted top-up is remembered as JSON between the submit and the
// answer: what simkit does not model survives that trip, in the order and
// in its eSIMs.
func TestSubmitTopupKeepsUnknownFields(t *testing.T) {
	e := newEnv(t)
	var queries []url.Values
	ordersAnswer(e, &queries, "")
	var answer map[string]any
	require.NoError(t, json.Unmarshal([]byte(fixture(t, "submit_topup.json")), &answer))
	data := answer["data"].(map[string]any)
	data["carbon_offset"] = map[string]any{"grams": 12}
	data["sims"].([]any)[0].(map[string]any)["roaming_profile"] = "eu"
	body, err := json.Marshal(answer)
	require.NoError(t, err)
	e.mt.RegisterResponder(http.MethodPost, submitURL, httpmock.NewBytesResponder(200, body))

	o, err := e.c.SubmitTopup(context.Background(), SubmitTopupParams{PackageID: "example-30days-3gb-topup", ICCID: testICCID, Reference: "drift-1"})
	require.NoError(t, err)
	require.Equal(t, json.RawMessage(`{"grams":12}`), o.Extra["carbon_offset"])
	require.Len(t, o.SIMs, 1)
	require.Equal(t, map[string]json.RawMessage{"roaming_profile": json.RawMessage(`"eu"`)}, o.SIMs[0].Extra)
}
