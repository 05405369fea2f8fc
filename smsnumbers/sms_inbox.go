package smsnumbers

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/simkit/simkit/option"
)

// InboxSMS is one message in an order's inbox.
type InboxSMS struct {
	// ID is the message's id.
	ID int64 `json:"ID"`
	// CreatedAt is when the provider stored the message.
	CreatedAt time.Time `json:"created_at"`
	// Date is when the phone received it.
	Date time.Time `json:"date"`
	// Sender is the sender's name or number.
	Sender string `json:"sender"`
	// Text is the whole message.
	Text string `json:"text"`
	// Code is the activation code found in Text ("" when none).
	Code string `json:"code"`
	// IsWave and WaveUUID mark a voice message.
	IsWave bool `json:"is_wave"`
	// WaveUUID identifies the voice message's recording.
	WaveUUID string `json:"wave_uuid"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

// Inbox is every SMS an order received.
type Inbox struct {
	// Data are the messages, oldest first.
	Data []InboxSMS `json:"Data"`
	// Total is the number of messages.
	Total int `json:"Total"`
	// Extra holds the members of the provider's object this type does
	// not model, by JSON name, exactly as sent; nil when there were
	// none. New provider fields are readable here before simkit
	// types them.
	Extra map[string]json.RawMessage `json:"-"`
}

const opSMSInbox = "GET /v1/user/sms/inbox/{id}"

// SMSInbox returns the messages received for an order, hosting orders
// included (GET /v1/user/sms/inbox/{id}).
func (c *Client) SMSInbox(ctx context.Context, id int64, opts ...option.CallOption) (*Inbox, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	if err := requireID(opSMSInbox, id); err != nil {
		return nil, err
	}
	return call[Inbox](ctx, c, c.userRequest(opSMSInbox, segments("/v1/user/sms/inbox", strconv.FormatInt(id, 10)), nil), opts)
}
