package simkittest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// AdminHandler is the JSON admin API of a Server, for test drivers in any
// language (curl works). Every answer is JSON; errors are
// {"error": "..."} with a 4xx status. When the Server has an admin token,
// every route needs "Authorization: Bearer <token>" (401 without). GET /
// lists the routes and what each does.
func AdminHandler(s *Server) http.Handler {
	a := &admin{s: s}
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", a.info)
	m.HandleFunc("POST /reset", a.reset)
	m.HandleFunc("GET /faults", a.faultHits)
	m.HandleFunc("POST /faults", a.addFault)
	m.HandleFunc("DELETE /faults", a.clearFaults)
	m.HandleFunc("POST /clock/advance", a.advance)
	m.HandleFunc("PUT /webhooks/{provider}", a.setWebhook)
	m.HandleFunc("GET /webhooks", a.webhooks)
	m.HandleFunc("POST /partner/orders/{id}/complete", a.completeOrder)
	m.HandleFunc("POST /partner/orders/{id}/fail", a.failOrder)
	m.HandleFunc("POST /esimstory/deliver", a.esimDeliver)
	m.HandleFunc("POST /sms/deliver", a.smsDeliver)
	a.more(m)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		adminError(w, http.StatusNotFound, fmt.Sprintf("no admin route %s %s; GET / lists them", r.Method, r.URL.Path))
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := s.AdminToken(); tok != "" {
			got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
			if !ok || !constantEqual(got, tok) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="simkit fakes admin"`)
				adminError(w, http.StatusUnauthorized, "the admin API needs Authorization: Bearer <admin token>")
				return
			}
		}
		m.ServeHTTP(w, r)
	})
}

type admin struct{ s *Server }

// adminFault is the JSON form of a Fault. Kind is one of latency, status,
// drop_before, drop_after, malformed; Delay is a Go duration ("250ms").
type adminFault struct {
	Provider string `json:"provider"`
	Method   string `json:"method"`
	Path     string `json:"path"`
	Times    int    `json:"times"`
	Kind     string `json:"kind"`
	Delay    string `json:"delay"`
	Status   int    `json:"status,omitempty"`
	Body     string `json:"body,omitempty"`
	// RetryAfter is sent as the Retry-After header of a status answer.
	RetryAfter string `json:"retry_after,omitempty"`
}

// faultKinds reads a kind's name (the journal's names).
var faultKinds = func() map[string]FaultKind {
	m := map[string]FaultKind{}
	for k, n := range faultNames {
		m[n] = k
	}
	return m
}()

// fault turns the JSON form into a Fault; msg says what is wrong.
func (in adminFault) fault() (Fault, string) {
	kind, ok := faultKinds[in.Kind]
	if !ok {
		return Fault{}, `kind must be one of latency, status, status_after, drop_before, drop_after, malformed, truncated, hang`
	}
	if in.Provider != "" && !knownProviders[in.Provider] {
		return Fault{}, "provider must be partner, smsnumbers, esimstory, topups or empty (all)"
	}
	if in.Status != 0 && (in.Status < 100 || in.Status > 599) {
		return Fault{}, "status must be an HTTP status code (100-599)"
	}
	if in.Times < 0 {
		return Fault{}, "times must be 0 (every request) or more"
	}
	f := Fault{Provider: in.Provider, Method: in.Method, Path: in.Path, Times: in.Times, Kind: kind, Status: in.Status, Body: in.Body}
	if in.Delay != "" {
		d, err := time.ParseDuration(in.Delay)
		if err != nil || d < 0 {
			return Fault{}, `delay must be a Go duration such as "250ms"`
		}
		f.Delay = d
	}
	if in.RetryAfter != "" {
		f.Header = http.Header{"Retry-After": {in.RetryAfter}}
	}
	return f, ""
}

// faultJSON is the JSON form of f.
func faultJSON(f Fault) adminFault {
	out := adminFault{Provider: f.Provider, Method: f.Method, Path: f.Path, Times: f.Times, Kind: faultNames[f.Kind], Status: f.Status, Body: f.Body}
	if f.Delay > 0 {
		out.Delay = f.Delay.String()
	}
	out.RetryAfter = f.Header.Get("Retry-After")
	return out
}

var knownProviders = map[string]bool{ProviderPartner: true, ProviderSMS: true, ProviderESIMStory: true, ProviderTopups: true}

func adminError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

// decode reads a small JSON body into v; an empty body leaves v as is.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil && len(strings.TrimSpace(string(b))) > 0 {
		err = json.Unmarshal(b, v)
	}
	if err != nil {
		adminError(w, http.StatusBadRequest, "body must be a JSON object: "+err.Error())
		return false
	}
	return true
}

func (a *admin) info(w http.ResponseWriter, _ *http.Request) {
	env := map[string]string{}
	for _, kv := range a.s.Env() {
		env[kv[0]] = kv[1]
	}
	clocks := map[string]string{}
	for p, c := range a.s.Clocks {
		clocks[p] = c.Now().UTC().Format(time.RFC3339Nano)
	}
	writeJSON(w, http.StatusOK, map[string]any{"env": env, "clocks": clocks, "faults": a.s.Faults.Hits(), "routes": adminRoutes})
}

func (a *admin) reset(w http.ResponseWriter, _ *http.Request) {
	a.s.Reset()
	writeJSON(w, http.StatusOK, map[string]bool{"reset": true})
}

// faultHits lists the faults in force, the chaos in force and the hits.
func (a *admin) faultHits(w http.ResponseWriter, _ *http.Request) {
	type inForce struct {
		adminFault
		Hits int `json:"hits"`
		Left int `json:"left"`
	}
	list := []inForce{}
	for _, f := range a.s.Faults.InForce() {
		list = append(list, inForce{faultJSON(f.Fault), f.Hits, f.Left})
	}
	out := map[string]any{"hits": a.s.Faults.Hits(), "faults": list, "chaos": nil}
	if c, hits, ok := a.s.Faults.ChaosInForce(); ok {
		out["chaos"] = chaosJSON(c, hits)
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *admin) addFault(w http.ResponseWriter, r *http.Request) {
	var in adminFault
	if !decode(w, r, &in) {
		return
	}
	f, msg := in.fault()
	if msg != "" {
		adminError(w, http.StatusBadRequest, msg)
		return
	}
	a.s.Faults.Add(f)
	writeJSON(w, http.StatusCreated, faultJSON(f))
}

func (a *admin) clearFaults(w http.ResponseWriter, _ *http.Request) {
	a.s.Faults.Clear()
	writeJSON(w, http.StatusOK, map[string]int{"hits": 0})
}

func (a *admin) advance(w http.ResponseWriter, r *http.Request) {
	var in struct {
		By       string `json:"by"`
		Provider string `json:"provider"`
	}
	if !decode(w, r, &in) {
		return
	}
	d, err := time.ParseDuration(in.By)
	if err != nil || d <= 0 {
		adminError(w, http.StatusBadRequest, `by must be a positive Go duration such as "16m"`)
		return
	}
	if in.Provider != "" && !knownProviders[in.Provider] {
		adminError(w, http.StatusBadRequest, "provider must be partner, smsnumbers, esimstory, topups or empty (all)")
		return
	}
	out := map[string]string{}
	for p, c := range a.s.Clocks {
		if in.Provider == "" || in.Provider == p {
			out[p] = c.Advance(d).UTC().Format(time.RFC3339Nano)
		}
	}
	// Expired SMS orders are refunded now, so the next balance read (by
	// any client) shows it; webhook retries and deliveries that fell due
	// fire from the clocks themselves.
	a.s.SMS().Sweep()
	writeJSON(w, http.StatusOK, map[string]any{"clocks": out})
}

func (a *admin) setWebhook(w http.ResponseWriter, r *http.Request) {
	var in struct {
		URL string `json:"url"`
	}
	if !decode(w, r, &in) {
		return
	}
	if !strings.HasPrefix(in.URL, "http://") && !strings.HasPrefix(in.URL, "https://") {
		adminError(w, http.StatusBadRequest, "url must be an http:// or https:// URL")
		return
	}
	switch p := r.PathValue("provider"); p {
	case ProviderPartner:
		a.s.Partner().SetWebhookURL(in.URL)
	case ProviderESIMStory:
		a.s.ESIMStory().SetWebhookURL(in.URL)
	default:
		adminError(w, http.StatusNotFound, "only partner and esimstory send webhooks")
		return
	}
	writeJSON(w, http.StatusOK, in)
}

func (a *admin) webhooks(w http.ResponseWriter, _ *http.Request) {
	type attempt struct {
		Provider string `json:"provider"`
		ID       string `json:"id"`
		Status   string `json:"status,omitempty"`
		Attempt  int    `json:"attempt,omitempty"`
		Code     int    `json:"code"`
		Error    string `json:"error,omitempty"`
	}
	errText := func(err error) string {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	out := []attempt{}
	for _, at := range a.s.Partner().WebhookAttempts() {
		out = append(out, attempt{ProviderPartner, at.OrderID, at.Status, at.Attempt, at.Code, errText(at.Err)})
	}
	for _, d := range a.s.ESIMStory().Deliveries() {
		out = append(out, attempt{Provider: ProviderESIMStory, ID: d.TopupID, Code: d.Code, Error: errText(d.Err)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"webhooks": out})
}

func (a *admin) completeOrder(w http.ResponseWriter, r *http.Request) {
	a.finish(w, r.PathValue("id"), a.s.Partner().CompleteOrder(r.PathValue("id")))
}

func (a *admin) failOrder(w http.ResponseWriter, r *http.Request) {
	in := struct {
		Message string `json:"message"`
	}{Message: "Order failed."}
	if !decode(w, r, &in) {
		return
	}
	a.finish(w, r.PathValue("id"), a.s.Partner().FailOrder(r.PathValue("id"), in.Message))
}

func (a *admin) finish(w http.ResponseWriter, id string, err error) {
	if errors.Is(err, ErrNoOrder) {
		adminError(w, http.StatusNotFound, "no processing order "+id+" (start the server with manual completion)")
		return
	}
	order, _ := a.s.Partner().Order(id)
	writeJSON(w, http.StatusOK, map[string]string{"id": id, "status": order.Status})
}

func (a *admin) esimDeliver(w http.ResponseWriter, r *http.Request) {
	var in struct {
		TopupID         string `json:"topup_id"`
		ExternalOrderID string `json:"external_order_id"`
	}
	if !decode(w, r, &in) {
		return
	}
	var err error
	switch {
	case in.TopupID != "":
		err = a.s.ESIMStory().Deliver(in.TopupID)
	case in.ExternalOrderID != "":
		err = a.s.ESIMStory().DeliverAll(in.ExternalOrderID)
	default:
		adminError(w, http.StatusBadRequest, "set topup_id or external_order_id")
		return
	}
	switch {
	case errors.Is(err, ErrUnknownTopup):
		adminError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, ErrNoWebhookTarget):
		adminError(w, http.StatusConflict, "no webhook URL: PUT /webhooks/esimstory first")
	case err != nil:
		// The receiver failed; the delivery is recorded in GET /webhooks.
		adminError(w, http.StatusBadGateway, err.Error())
	default:
		writeJSON(w, http.StatusOK, in)
	}
}

func (a *admin) smsDeliver(w http.ResponseWriter, r *http.Request) {
	in := struct {
		OrderID json.Number `json:"order_id"`
		Text    string      `json:"text"`
		Code    string      `json:"code"`
	}{Text: "Your code is 123456", Code: "123456"}
	if !decode(w, r, &in) {
		return
	}
	id, err := strconv.ParseInt(in.OrderID.String(), 10, 64)
	if err != nil {
		adminError(w, http.StatusBadRequest, "order_id must be the SMS order's numeric id")
		return
	}
	switch err := a.s.SMS().DeliverSMS(id, in.Text, in.Code); {
	case errors.Is(err, ErrSMSOrderNotFound):
		adminError(w, http.StatusNotFound, err.Error())
	case err != nil:
		adminError(w, http.StatusConflict, err.Error())
	default:
		writeJSON(w, http.StatusOK, map[string]any{"order_id": id, "code": in.Code})
	}
}
