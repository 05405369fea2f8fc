package observe

// UnknownFields reports members of a provider's answer that the typed
// result does not model: simkit keeps them in the result's Extra field,
// and this event lets a dashboard count them per route, so drift in a
// provider's API shows before it breaks anything. It is sent once per
// call that saw any, after the answer was decoded.
type UnknownFields struct {
	// Provider and Route name the call, as in CallStart.
	Provider, Route string
	// Fields are the unknown members as "Type.member" (the Go result
	// type and the provider's JSON name, e.g. "Order.loyalty_tier"),
	// each once, sorted; at most MaxUnknownFields of them.
	Fields []string
}

// MaxUnknownFields bounds UnknownFields.Fields, so a provider answering
// with arbitrary member names cannot flood a metric's label set.
const MaxUnknownFields = 32
