package simkittest

// adminRoute is one admin API route and what it does, as GET / lists it.
type adminRoute struct {
	Route string `json:"route"`
	Does  string `json:"does"`
}

// adminRoutes is the admin API's table (the README has the same).
var adminRoutes = []adminRoute{
	{"GET /", "URLs, env (with the fakes' credentials), clocks, faults in force, this table"},
	{"POST /reset", "fresh fakes from the starting configuration; no faults, no chaos"},
	{"POST /reset/{provider}", "fresh fake for one provider; the others keep their state"},
	{"GET /state", "the fakes' state as one JSON document"},
	{"PUT /state", "load a state document (from GET /state or a file); providers it omits keep theirs"},
	{"POST /clock/advance", `{"by": "16m", "provider": "smsnumbers"}: move fake time (no provider: all); expired SMS orders are refunded, due webhook retries and deliveries fire`},
	{"GET /faults", "faults in force (with hits and hits left) and chaos"},
	{"POST /faults", `{"kind": "status", "status": 503, "provider", "method", "path", "times", "delay", "body", "retry_after"}`},
	{"DELETE /faults", "remove every fault and stop chaos"},
	{"GET /chaos", "chaos in force and its hits"},
	{"PUT /chaos", `{"seed": 42, "rate": 0.1, "provider", "method", "path", "faults": [...]}: faults on a reproducible share of requests`},
	{"DELETE /chaos", "stop chaos"},
	{"GET /journal", "requests served; filter with ?provider=&route=&method=&path=&ref=&status=&fault="},
	{"DELETE /journal", "forget the journal"},
	{"GET /journal/orders", "?provider=&ref=: how many orders were created for one external id or reference"},
	{"GET /journal/after-refusal", "?provider=&route=&status=429&window=15m: requests sent inside a window after a refusal"},
	{"PUT /webhooks/{provider}", `{"url": "https://..."}: where partner or esimstory webhooks go`},
	{"GET /webhooks", "delivery attempts so far"},
	{"POST /webhooks/{provider}/trigger", `send a signed webhook now: partner {"order_id"} (none: a new completed order), esimstory {"topup_id"} or {"external_order_id"} (none: a new unit)`},
	{"POST /partner/orders", `an order placed outside the SDK: {"external_id", "sku_id", "quantity", "status": "completed|processing|partially_completed"}`},
	{"POST /partner/orders/{id}/complete", "complete a processing order (sends its webhook)"},
	{"POST /partner/orders/{id}/fail", `{"message": "..."}: fail and refund a processing order`},
	{"POST /smsnumbers/orders", `an activation bought outside the SDK: {"country", "operator", "product", "left_open": true keeps it open past expiry, unrefunded}`},
	{"POST /smsnumbers/payouts", `a vendor payout made outside the SDK: {"amount": "5", "method", "fee", "receiver"}`},
	{"POST /sms/deliver", `{"order_id": 1, "text": "Your code is 1", "code": "1"}: an SMS arrives`},
	{"POST /topups/orders", `a top-up submitted outside the SDK: {"iccid", "package_id", "description"}`},
	{"POST /esimstory/orders", `an order placed outside the SDK: {"external_order_id", "option_id", "qty", "withhold": n units never delivered}`},
	{"POST /esimstory/withhold", `{"topup_id"}: that unit is never delivered by itself`},
	{"POST /esimstory/deliver", `{"topup_id"} or {"external_order_id"}: send delivery webhooks`},
}
