package simkittest

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestPlaceholdersByShape(t *testing.T) {
	for _, tc := range []struct {
		name, kind, value, want string
	}{
		{"iccid keeps length", KindICCID, "89852341234567890123", "89000000000000000001"},
		{"phone keeps country digit", KindPhone, "+79001234567", "+70000000001"},
		{"email", KindEmail, "a.b@shop.example.com", "customer-1@example.invalid"},
		{"lpa keeps the SM-DP+ address", KindLPA, "LPA:1$rsp1.cmlink.com$ABCDEF123", "LPA:1$rsp1.cmlink.com$ACTIVATION-CODE-1"},
		{"pin", KindPIN, "4000000000000001", "pin-1"},
		{"too short to matter", KindPIN, "12", "12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPlaceholders(nil)
			require.Equal(t, tc.want, p.add(tc.kind, tc.value))
			require.Equal(t, tc.want, p.add(tc.kind, tc.value), "stable")
			require.Equal(t, tc.want, p.add(tc.kind, tc.want), "a placeholder is not redacted again")
		})
	}
}

func TestRecorderReplacesCustomerDataEverywhere(t *testing.T) {
	unit := (&ESIMStoryFake{}).newUnit(time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC), "EXT-1", ESIMStoryOptionA)
	delivery, err := json.Marshal(map[string]string{
		"topup_id": unit.TopupID, "iccid": unit.ICCID, "smdp": unit.SMDP, "activate_code": unit.ActivateCode,
		"download_link": unit.DownloadLink, "qrcode_img_url": unit.QRCodeImgURL,
	})
	require.NoError(t, err)
	bodies := map[string]string{
		"/delivery": string(delivery),
		"/person":   `{"user":{"name":"Ada Lovelace","email":"ada@example.org","phone":"+441234567890"},"product":{"name":"Steam Wallet"}}`,
		"/pin":      `{"pin":"4821","quantity":48210,"note":"code 4821 sent"}`,
	}
	upstream := rtFunc(func(r *http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(bodies[r.URL.Path])), Request: r}, nil
	})
	path := filepath.Join(t.TempDir(), "x.json")
	rec := NewRecorder(path, upstream)
	for _, u := range []string{
		"https://h.example/delivery",
		"https://h.example/person",
		"https://h.example/pin",
		"https://h.example/sims/" + unit.ICCID + "/topups?filter%5Biccid%5D=" + unit.ICCID + "&page=2",
		"https://h.example/reuse/vk/441234567890",
	} {
		req, err := http.NewRequest("GET", u, nil)
		require.NoError(t, err)
		_, err = rec.RoundTrip(req)
		require.NoError(t, err)
	}
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	fx := string(raw)
	for _, v := range []string{unit.ICCID, unit.ActivateCode, unit.DownloadLink, unit.QRCodeImgURL, "Ada Lovelace", "ada@example.org", "441234567890", `\"4821\"`, "code 4821 sent"} {
		require.NotContains(t, fx, v)
	}
	require.Contains(t, fx, "Steam Wallet", "a product's name is kept")
	require.Contains(t, fx, "rsp1.cmlink.com", "the SM-DP+ address is the provider's")
	require.Contains(t, fx, "48210", "a short PIN does not rewrite a longer number")
	require.Contains(t, fx, "/reuse/vk/400000000001", "the number without its plus gets the same placeholder")
	require.Contains(t, fx, "page=2")

	// Replay matches the real values and the placeholders alike.
	rp, err := NewReplayer(path)
	require.NoError(t, err)
	for _, u := range []string{
		"https://h.example/sims/" + unit.ICCID + "/topups?page=2&filter%5Biccid%5D=" + unit.ICCID,
		"https://h.example/reuse/vk/400000000001",
	} {
		req, _ := http.NewRequest("GET", u, nil)
		resp, err := rp.RoundTrip(req)
		require.NoError(t, err, u)
		require.Equal(t, 200, resp.StatusCode)
	}
	req, _ := http.NewRequest("GET", "https://h.example/sims/89111111111111111111/nothing", nil)
	_, err = rp.RoundTrip(req)
	require.ErrorIs(t, err, ErrNoRecording)
	require.NotContains(t, err.Error(), "89111111111111111111", "the error names shapes, not values")
}
