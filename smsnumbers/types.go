package smsnumbers

import (
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"
)

// Status is an order's state as the API reports it.
type Status string

// Order statuses. An order lives at most 15 minutes; TIMEOUT, CANCELED,
// BANNED and FINISHED are final.
const (
	StatusPending  Status = "PENDING"  // bought, waiting for an SMS
	StatusReceived Status = "RECEIVED" // at least one SMS arrived
	StatusCanceled Status = "CANCELED" // canceled by the buyer, money returned
	StatusTimeout  Status = "TIMEOUT"  // no SMS within the order's lifetime
	StatusFinished Status = "FINISHED" // completed by the buyer or automatically
	StatusBanned   Status = "BANNED"   // number reported as banned by the service
)

// Final reports whether no further change (and no SMS) can happen to an
// order in this status.
func (s Status) Final() bool {
	switch s {
	case StatusCanceled, StatusTimeout, StatusFinished, StatusBanned:
		return true
	}
	return false
}

// Category is the kind of number an order or product is for.
type Category string

// Categories the orders history and products use.
const (
	CategoryActivation Category = "activation" // a number for one service's SMS code
	CategoryHosting    Category = "hosting"    // a number rented for a period, any SMS
)

func (c Category) valid() bool { return c == CategoryActivation || c == CategoryHosting }

// SMS is one message received for an order.
type SMS struct {
	// ID is sent on hosting orders only.
	ID        int64     `json:"id,omitempty"`
	CreatedAt time.Time `json:"created_at"` // when the provider stored it
	Date      time.Time `json:"date"`       // when the phone received it
	Sender    string    `json:"sender"`
	Text      string    `json:"text"`
	// Code is the activation code the provider extracted from Text ("" when
	// it found none).
	Code string `json:"code"`
}

// Order is a bought number with its state and the SMS it received. Buy,
// check, finish, cancel and ban all answer with one.
type Order struct {
	ID               int64           `json:"id"`
	Phone            string          `json:"phone"` // with a leading +
	Operator         string          `json:"operator"`
	Product          string          `json:"product"`
	Price            decimal.Decimal `json:"price"`
	Status           Status          `json:"status"`
	Expires          time.Time       `json:"expires"`
	SMS              []SMS           `json:"sms"`
	CreatedAt        time.Time       `json:"created_at"`
	Forwarding       bool            `json:"forwarding"`
	ForwardingNumber string          `json:"forwarding_number"`
	Country          string          `json:"country"`
}

// Code returns the code of the latest SMS that carries one, or "".
func (o *Order) Code() string {
	if o == nil {
		return ""
	}
	for i := len(o.SMS) - 1; i >= 0; i-- {
		if o.SMS[i].Code != "" {
			return o.SMS[i].Code
		}
	}
	return ""
}

// Names is a list of labels the history endpoints send next to their data
// (product names, statuses, payment types...). The API sends either
// strings or objects with a Name field; both decode here.
type Names []string

// UnmarshalJSON accepts ["a"] and [{"Name":"a"}] (and null).
func (n *Names) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	if raw == nil {
		*n = nil
		return nil
	}
	out := make(Names, 0, len(raw))
	for _, r := range raw {
		var s string
		if err := json.Unmarshal(r, &s); err == nil {
			out = append(out, s)
			continue
		}
		var obj struct {
			Name string `json:"Name"`
		}
		if err := json.Unmarshal(r, &obj); err != nil {
			return err
		}
		out = append(out, obj.Name)
	}
	*n = out
	return nil
}
