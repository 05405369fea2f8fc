package main

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/simkit/simkit/simkittest"
)

// curlDriver drives running fakes the way a test in another language
// does: curl for every call, JSON read from its output, nothing of Go's
// HTTP client or of simkit's packages.
type curlDriver struct {
	t             *testing.T
	cacert, token string
}

// do runs curl and returns the status, the X-Request-Id header and the
// body decoded as JSON (nil when it is not JSON).
func (c curlDriver) do(method, url, body string, header ...string) (int, string, any) {
	c.t.Helper()
	args := []string{"-sS", "--cacert", c.cacert, "-X", method, "-D", "-", "-o", "-"}
	for _, h := range header {
		args = append(args, "-H", h)
	}
	if body != "" {
		args = append(args, "-H", "Content-Type: application/json", "--data-binary", body)
	}
	out, err := exec.Command("curl", append(args, url)...).Output()
	require.NoError(c.t, err, "curl %s %s", method, url)
	head, payload, _ := strings.Cut(strings.ReplaceAll(string(out), "\r\n", "\n"), "\n\n")
	lines := strings.Split(head, "\n")
	status, err := strconv.Atoi(strings.Fields(lines[0])[1])
	require.NoError(c.t, err, lines[0])
	reqID := ""
	for _, l := range lines[1:] {
		if k, v, ok := strings.Cut(l, ":"); ok && strings.EqualFold(k, "X-Request-Id") {
			reqID = strings.TrimSpace(v)
		}
	}
	var v any
	if json.Unmarshal([]byte(payload), &v) != nil {
		v = nil
	}
	return status, reqID, v
}

// admin calls the admin API with the token and requires a 2xx.
func (c curlDriver) admin(base, method, path, body string) map[string]any {
	c.t.Helper()
	status, _, v := c.do(method, base+path, body, "Authorization: Bearer "+c.token)
	require.Less(c.t, status, 300, "%s %s: %v", method, path, v)
	m, _ := v.(map[string]any)
	return m
}

func TestFakesAdminAPIFromCurl(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the simkit binary")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("curl is needed in CI")
		}
		t.Skip("no curl")
	}
	bin := buildSimkit(t)
	cert := filepath.Join(t.TempDir(), "cert.pem")
	_, vars, stderr := startFakes(t, bin, "--http2", "--cert-file", cert, "--admin-addr", "127.0.0.1:0", "--admin-token", "admin-tok")
	admin := vars["SIMKIT_FAKES_ADMIN_URL"]
	require.True(t, strings.HasPrefix(admin, "https://127.0.0.1:"), admin)
	require.Equal(t, cert, vars["SIMKIT_FAKES_CA_FILE"])
	c := curlDriver{t: t, cacert: cert, token: "admin-tok"}
	sms := func(path string) (int, string, any) {
		return c.do(http.MethodGet, vars["SIMKIT_SMS_BASE_URL"]+path, "", "Authorization: Bearer "+vars["SIMKIT_SMS_TOKEN"])
	}
	balance := func() string {
		_, _, v := sms("/v1/user/profile")
		return string(mustJSON(t, v.(map[string]any)["balance"]))
	}

	// The token is required, and GET / lists the routes.
	status, _, _ := c.do(http.MethodGet, admin+"/", "")
	require.Equal(t, http.StatusUnauthorized, status)
	require.NotEmpty(t, c.admin(admin, http.MethodGet, "/", "")["routes"])

	// Time: an SMS order expires and is refunded when the clock moves.
	before := balance()
	status, buyID, v := sms("/v1/user/buy/activation/russia/any/vkontakte")
	require.Equal(t, http.StatusOK, status, "%v", v)
	orderID := string(mustJSON(t, v.(map[string]any)["id"]))
	require.NotEqual(t, before, balance())
	c.admin(admin, http.MethodPost, "/clock/advance", `{"by":"16m","provider":"smsnumbers"}`)
	require.Equal(t, before, balance(), "refunded")
	_, _, v = sms("/v1/user/check/" + orderID)
	require.Equal(t, "TIMEOUT", v.(map[string]any)["status"])

	// The journal: every request, with the request id the client saw.
	j := c.admin(admin, http.MethodGet, "/journal?provider=smsnumbers&route="+urlEscape("GET /v1/user/buy/activation/{country}/{operator}/{product}"), "")
	require.EqualValues(t, 1, j["count"])
	entry := j["entries"].([]any)[0].(map[string]any)
	require.Equal(t, buyID, entry["request_id"])
	require.EqualValues(t, 200, entry["status"])

	// Seeded chaos: the same seed gives the same faults on the same requests.
	chaosRun := func() []any {
		c.admin(admin, http.MethodDelete, "/journal", "")
		c.admin(admin, http.MethodPut, "/chaos", `{"seed":42,"rate":0.5,"provider":"smsnumbers","path":"/v1/guest/countries","faults":[{"kind":"status","status":503},{"kind":"status","status":429}]}`)
		for range 20 {
			sms("/v1/guest/countries")
		}
		c.admin(admin, http.MethodDelete, "/chaos", "")
		var faults []any
		for _, e := range c.admin(admin, http.MethodGet, "/journal?provider=smsnumbers", "")["entries"].([]any) {
			faults = append(faults, e.(map[string]any)["fault"])
		}
		return faults
	}
	first := chaosRun()
	require.Len(t, first, 20)
	require.Contains(t, first, "status")
	require.Equal(t, first, chaosRun())

	// Snapshot and restore: an order placed outside the SDK survives a
	// reset only through the saved state.
	c.admin(admin, http.MethodPost, "/partner/orders", `{"external_id":"snap-1"}`)
	saved := c.admin(admin, http.MethodGet, "/state", "")
	partnerOrders := func() int {
		_, _, v := c.do(http.MethodGet, vars["SIMKIT_PARTNER_BASE_URL"]+"/orders?external_id=snap-1", "", "Authorization: Bearer "+vars["SIMKIT_PARTNER_TOKEN"])
		return len(v.(map[string]any)["data"].([]any))
	}
	require.Equal(t, 1, partnerOrders())
	c.admin(admin, http.MethodPost, "/reset", "")
	require.Equal(t, 0, partnerOrders())
	c.admin(admin, http.MethodPut, "/state", string(mustJSON(t, saved)))
	require.Equal(t, 1, partnerOrders())

	// A triggered webhook, correctly signed, from `simkit fakes trigger`.
	got := make(chan http.Header, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Event          string `json:"event"`
			IdempotencyKey string `json:"idempotency_key"`
		}
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &body)
		h := r.Header.Clone()
		h.Set("X-Test-Message", r.Header.Get("X-Timestamp")+body.Event+body.IdempotencyKey)
		got <- h
	}))
	defer hook.Close()
	c.admin(admin, http.MethodPut, "/webhooks/partner", `{"url":"`+hook.URL+`"}`)
	trig := exec.Command(bin, "fakes", "trigger", "partner", "order.status_changed")
	trig.Env = append(os.Environ(), "SIMKIT_FAKES_ADMIN_URL="+admin, "SIMKIT_FAKES_ADMIN_TOKEN=admin-tok", "SIMKIT_FAKES_CA_FILE="+cert)
	out, err := trig.CombinedOutput()
	require.NoError(t, err, "%s; fakes stderr: %s", out, stderr)
	require.Contains(t, string(out), "order.status_changed")
	h := <-got
	mac := hmac.New(sha256.New, []byte(simkittest.FakePartnerSecret))
	mac.Write([]byte(h.Get("X-Test-Message")))
	require.Equal(t, hex.EncodeToString(mac.Sum(nil)), h.Get("X-Signature"), "signed with the partner secret")
	hooks := c.admin(admin, http.MethodGet, "/webhooks", "")["webhooks"].([]any)
	require.NotEmpty(t, hooks)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return b
}

func urlEscape(s string) string {
	return strings.NewReplacer(" ", "%20", "{", "%7B", "}", "%7D").Replace(s)
}
