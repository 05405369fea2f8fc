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
	ID int64 `json:"id,omitempty"`
	// CreatedAt is when the provider stored the message.
	CreatedAt time.Time `json:"created_at"`
	// Date is when the phone received it.
	Date time.Time `json:"date"`
	// Sender is the sender's name or number.
	Sender string `json:"sender"`
	// Text is the whole message.
	Text string `json:"text"`
	// Code is the activation code the provider extracted from Text ("" when
	// it found none).
	Code string `json:"code"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// Order is a bought number with its state and the SMS it received. Buy,
// check, finish, cancel and ban all answer with one. Hosting orders carry
// no operator, country or forwarding fields.
type Order struct {
	// ID is the order id every order action takes.
	ID int64 `json:"id"`
	// Phone is the number, with a leading +.
	Phone string `json:"phone"`
	// Operator is the operator the number belongs to.
	Operator string `json:"operator"`
	// Product is the service (activation) or rental period (hosting).
	Product string `json:"product"`
	// Price is what the order cost.
	Price decimal.Decimal `json:"price"`
	// Status is the order's state.
	Status Status `json:"status"`
	// Expires is when the order ends on its own.
	Expires time.Time `json:"expires"`
	// SMS are the messages received so far (nil on a fresh buy).
	SMS []SMS `json:"sms"`
	// CreatedAt is when the order was bought.
	CreatedAt time.Time `json:"created_at"`
	// Forwarding reports whether calls are forwarded.
	Forwarding bool `json:"forwarding"`
	// ForwardingNumber is where calls are forwarded to.
	ForwardingNumber string `json:"forwarding_number"`
	// Country is the country of the number.
	Country string `json:"country"`
	// Recovered is set by a buy whose answer was lost when the order was
	// found in the orders history instead (see BuyActivation). It is never
	// sent by the provider.
	Recovered bool `json:"-"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
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
