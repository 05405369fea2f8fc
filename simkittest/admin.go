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
// {"error": "..."} with a 4xx status.
//
//	GET    /                          URLs, env and clocks
//	POST   /reset                     fresh fakes, no faults
//	GET    /faults                    {"hits": n}
//	POST   /faults                    add a fault (see adminFault)
//	DELETE /faults                    remove every fault
//	POST   /clock/advance             {"by": "16m", "provider": "smsnumbers"} (no provider: all)
//	PUT    /webhooks/{provider}       {"url": "http://..."}: partner or esimstory webhooks go there
//	GET    /webhooks                  attempts and deliveries so far
//	POST   /partner/orders/{id}/complete   complete a processing order (sends its webhook)
//	POST   /partner/orders/{id}/fail       {"message": "..."}
//	POST   /esimstory/deliver         {"topup_id": "..."} or {"external_order_id": "..."}
//	POST   /sms/deliver               {"order_id": 1, "text": "Your code is 1", "code": "1"}
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
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		adminError(w, http.StatusNotFound, fmt.Sprintf("no admin route %s %s; GET / lists them", r.Method, r.URL.Path))
	})
	return m
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
	Status   int    `json:"status"`
	Body     string `json:"body"`
}

var faultKinds = map[string]FaultKind{
	"latency": Latency, "status": Status, "drop_before": DropBeforeHandling,
	"drop_after": DropAfterHandling, "malformed": MalformedBody,
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
	writeJSON(w, http.StatusOK, map[string]any{"env": env, "clocks": clocks, "faults": a.s.Faults.Hits()})
}

func (a *admin) reset(w http.ResponseWriter, _ *http.Request) {
	a.s.Reset()
	writeJSON(w, http.StatusOK, map[string]bool{"reset": true})
}

func (a *admin) faultHits(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]int{"hits": a.s.Faults.Hits()})
}

func (a *admin) addFault(w http.ResponseWriter, r *http.Request) {
	var in adminFault
	if !decode(w, r, &in) {
		return
	}
	kind, ok := faultKinds[in.Kind]
	if !ok {
		adminError(w, http.StatusBadRequest, `kind must be one of latency, status, drop_before, drop_after, malformed`)
		return
	}
	if in.Provider != "" && !knownProviders[in.Provider] {
		adminError(w, http.StatusBadRequest, "provider must be partner, smsnumbers, esimstory, topups or empty (all)")
		return
	}
	f := Fault{Provider: in.Provider, Method: in.Method, Path: in.Path, Times: in.Times, Kind: kind, Status: in.Status, Body: in.Body}
	if in.Delay != "" {
		d, err := time.ParseDuration(in.Delay)
		if err != nil || d < 0 {
			adminError(w, http.StatusBadRequest, `delay must be a Go duration such as "250ms"`)
			return
		}
		f.Delay = d
	}
	a.s.Faults.Add(f)
	writeJSON(w, http.StatusCreated, in)
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
