package topups

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/simkit/simkit/apierror"
	"github.com/simkit/simkit/internal/jsonx"
	"github.com/simkit/simkit/internal/transport"
)

// Provider error codes, as they appear in Error.Code. They let a caller
// tell apart failures that share a sentinel (both 33 and 34 are
// ErrOutOfStock, but only 34 means the package id itself is stale).
const (
	// CodeInsufficientCredit: the account's balance or credit does not cover the order.
	CodeInsufficientCredit = "11"
	// CodeOperatorMaintenance: the operator is under maintenance; try later.
	CodeOperatorMaintenance = "13"
	// CodeInvalidChecksum: the ICCID failed the provider's checksum.
	CodeInvalidChecksum = "14"
	// CodeTopupDisabled: top-ups are disabled for this eSIM.
	CodeTopupDisabled = "23"
	// CodeInsufficientStock: the package is out of stock.
	CodeInsufficientStock = "33"
	// CodePackageUnavailable: the package id is invalid or out of stock;
	// fetch the top-up list again.
	CodePackageUnavailable = "34"
	// CodeBadRequest: the provider rejected the request as malformed.
	CodeBadRequest = "43"
	// CodeUnexpected: an unexpected error on the provider's side.
	CodeUnexpected = "53"
	// CodeIPNotAllowed: the caller's IP address is not on the account's
	// allow list (HTTP 403); add it in the provider's dashboard.
	CodeIPNotAllowed = "89"
)

// codeKinds classifies provider codes. Code 23 (top-up disabled) is
// ErrValidation, not ErrUnavailable: it is a property of the eSIM, so
// retrying later does not help, while 13 (maintenance) is temporary.
var codeKinds = map[string]error{
	CodeInsufficientCredit:  apierror.ErrInsufficientFunds,
	CodeOperatorMaintenance: apierror.ErrUnavailable,
	CodeInvalidChecksum:     apierror.ErrValidation,
	CodeTopupDisabled:       apierror.ErrValidation,
	CodeInsufficientStock:   apierror.ErrOutOfStock,
	CodePackageUnavailable:  apierror.ErrOutOfStock,
	CodeBadRequest:          apierror.ErrValidation,
	CodeUnexpected:          apierror.ErrServer,
	CodeIPNotAllowed:        apierror.ErrUnauthorized,
}

// ErrRenewalRefused marks a renewal the API answered with success:false.
// The error also matches a shared sentinel (ErrNotFound when the message
// says the user was not found, ErrValidation otherwise).
var ErrRenewalRefused = errors.New("topups: renewal refused")

// errorBody covers both error shapes the API sends:
// {"meta":{"message"},"data":{...}} and {"message","code"}.
type errorBody struct {
	Meta struct {
		Message string          `json:"message"`
		Code    json.RawMessage `json:"code"`
	} `json:"meta"`
	Data    json.RawMessage `json:"data"`
	Message string          `json:"message"`
	Reason  string          `json:"reason"`
	Error   string          `json:"error"`
	Code    json.RawMessage `json:"code"`
}

// decodeError reads a non-2xx answer of the top-up or renewal API into an
// *apierror.Error: the provider's message is kept (with per-field validation
// messages appended), its code goes to Code and picks the sentinel; without
// a known code the HTTP status decides (422 ErrValidation, 429
// ErrRateLimited, ...).
func decodeError(resp *transport.Response) *apierror.Error {
	e := &apierror.Error{}
	var b errorBody
	if resp == nil || json.Unmarshal(resp.Body, &b) != nil {
		return e
	}
	e.Code = jsonx.Text(b.Code)
	if e.Code == "" {
		e.Code = jsonx.Text(b.Meta.Code)
	}
	var dataCode struct {
		Code json.RawMessage `json:"code"`
	}
	if e.Code == "" && json.Unmarshal(b.Data, &dataCode) == nil {
		e.Code = jsonx.Text(dataCode.Code)
	}
	e.Message = firstNonEmpty(b.Meta.Message, b.Message, b.Reason, b.Error)
	if fields := fieldMessages(b.Data); fields != "" {
		if e.Message == "" {
			e.Message = fields
		} else {
			e.Message += ": " + fields
		}
	}
	e.Kind = codeKinds[e.Code]
	return e
}

// fieldMessages renders a validation answer's data object
// ({"package_id": "The selected package id is invalid."} or lists of
// messages) as "field: message; ..." in field order, so the message says
// which input was wrong.
func fieldMessages(raw json.RawMessage) string {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil || len(m) == 0 {
		return ""
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		if k != "code" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		var s string
		var list []string
		switch {
		case json.Unmarshal(m[k], &s) == nil && s != "":
			parts = append(parts, fmt.Sprintf("%s: %s", k, s))
		case json.Unmarshal(m[k], &list) == nil && len(list) > 0:
			parts = append(parts, fmt.Sprintf("%s: %s", k, strings.Join(list, ", ")))
		}
	}
	return strings.Join(parts, "; ")
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
