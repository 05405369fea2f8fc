package topups

import (
	"encoding/json"
	"strconv"
	"time"
)

// Megabytes is a data amount in megabytes, as the API counts data.
type Megabytes int64

// UnmarshalJSON accepts a number, a numeric string or null.
func (m *Megabytes) UnmarshalJSON(b []byte) error {
	var f flexInt
	err := f.UnmarshalJSON(b)
	*m = Megabytes(f)
	return err
}

// String renders the amount with its unit, e.g. "1024 MB".
func (m Megabytes) String() string { return strconv.FormatInt(int64(m), 10) + " MB" }

// OrderType is an order's kind, also used to filter ListOrders.
type OrderType string

// Order types.
const (
	OrderTypeSIM   OrderType = "sim"
	OrderTypeTopup OrderType = "topup"
)

// PackageStatus is the state of a package in an eSIM's history.
type PackageStatus string

// Package states the API documents; others may appear and are kept as sent.
const (
	PackageActive    PackageStatus = "ACTIVE"
	PackageNotActive PackageStatus = "NOT_ACTIVE"
	PackageExpired   PackageStatus = "EXPIRED"
	PackageFinished  PackageStatus = "FINISHED"
)

// OrderStatus is an order's status. The API sends a plain string or, with
// include=status, an object {name, slug}; both decode here.
type OrderStatus struct {
	Name string `json:"name"`
	Slug string `json:"slug"`
}

// UnmarshalJSON accepts "completed" as well as {"name":"Completed","slug":"completed"}.
func (s *OrderStatus) UnmarshalJSON(b []byte) error {
	if txt, err := scalarText(b); err == nil {
		*s = OrderStatus{Name: txt, Slug: txt}
		return nil
	}
	type plain OrderStatus
	return json.Unmarshal(b, (*plain)(s))
}

// String returns the slug, or the name when there is no slug.
func (s OrderStatus) String() string {
	if s.Slug != "" {
		return s.Slug
	}
	return s.Name
}

// SIM is an eSIM as orders report it (include=sims, and in top-up orders).
type SIM struct {
	ID         string    `json:"id"`
	ICCID      string    `json:"iccid"`
	LPA        string    `json:"lpa"`
	MatchingID string    `json:"matching_id"`
	QRCode     string    `json:"qrcode"`
	QRCodeURL  string    `json:"qrcode_url"`
	MSISDN     string    `json:"msisdn"`
	CreatedAt  time.Time `json:"created_at"`
}

// UnmarshalJSON accepts numeric ids and the API's time layouts.
func (s *SIM) UnmarshalJSON(b []byte) error {
	type plain SIM
	w := struct {
		*plain
		ID        flexString `json:"id"`
		ICCID     flexString `json:"iccid"`
		MSISDN    flexString `json:"msisdn"`
		CreatedAt flexTime   `json:"created_at"`
	}{plain: (*plain)(s)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	s.ID, s.ICCID, s.MSISDN, s.CreatedAt = string(w.ID), string(w.ICCID), string(w.MSISDN), time.Time(w.CreatedAt)
	return nil
}

// User is the account user an order belongs to (include=user).
type User struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Company   string    `json:"company"`
	CreatedAt time.Time `json:"created_at"`
}

// UnmarshalJSON accepts numeric ids and the API's time layouts.
func (u *User) UnmarshalJSON(b []byte) error {
	type plain User
	w := struct {
		*plain
		ID        flexString `json:"id"`
		CreatedAt flexTime   `json:"created_at"`
	}{plain: (*plain)(u)}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	u.ID, u.CreatedAt = string(w.ID), time.Time(w.CreatedAt)
	return nil
}

// PageMeta is the pagination block of a list answer.
type PageMeta struct {
	CurrentPage int `json:"current_page"`
	LastPage    int `json:"last_page"`
	PerPage     int `json:"per_page"`
	Total       int `json:"total"`
}

// UnmarshalJSON accepts numbers sent as strings (the API sends "per_page":"25").
func (m *PageMeta) UnmarshalJSON(b []byte) error {
	var w struct {
		CurrentPage flexInt `json:"current_page"`
		LastPage    flexInt `json:"last_page"`
		PerPage     flexInt `json:"per_page"`
		Total       flexInt `json:"total"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*m = PageMeta{CurrentPage: int(w.CurrentPage), LastPage: int(w.LastPage), PerPage: int(w.PerPage), Total: int(w.Total)}
	return nil
}
