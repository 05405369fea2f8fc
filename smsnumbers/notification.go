package smsnumbers

import (
	"context"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/option"
)

// Lang is a language notifications are available in.
type Lang string

// Languages of the notification endpoint.
const (
	LangEN Lang = "en"
	LangRU Lang = "ru"
)

const opNotification = "GET /v1/guest/flash/{lang}"

// Notification returns the provider's current notice to its users in lang
// (GET /v1/guest/flash/{lang}). No token is sent.
func (c *Client) Notification(ctx context.Context, lang Lang, opts ...option.CallOption) (string, error) {
	if err := c.ready(); err != nil {
		return "", err
	}
	if lang != LangEN && lang != LangRU {
		return "", apierror.Validation(Provider, opNotification, "lang must be %q or %q, got %q", LangEN, LangRU, lang)
	}
	var out struct {
		Text string `json:"text"`
	}
	if err := c.send(ctx, guestRequest(opNotification, segments("/v1/guest/flash", string(lang)), nil), &out, opts); err != nil {
		return "", err
	}
	return out.Text, nil
}
