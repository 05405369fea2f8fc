package simkittest

// providerRoutes are the route templates of each fake as the journal
// names them: the full request path, with the mount prefix.
var providerRoutes = map[string][]string{
	ProviderPartner: {
		"GET /v1/partner/me", "GET /v1/partner/balance", "GET /v1/partner/balance/history",
		"GET /v1/partner/catalog/products", "GET /v1/partner/catalog/products/{uuid}",
		"GET /v1/partner/catalog/pricelist", "GET /v1/partner/catalog/categories",
		"GET /v1/partner/orders", "POST /v1/partner/orders", "GET /v1/partner/orders/{uuid}",
		"POST /v1/partner/services/esim/{iccid}/topup", "GET /v1/partner/services/esim/{iccid}/status",
	},
	ProviderSMS: {
		"GET /v1/user/profile", "GET /v1/user/orders", "GET /v1/user/payments",
		"GET /v1/user/buy/activation/{country}/{operator}/{product}",
		"GET /v1/user/buy/hosting/{country}/{operator}/{product}",
		"GET /v1/user/reuse/{product}/{number}",
		"GET /v1/user/check/{id}", "GET /v1/user/finish/{id}", "GET /v1/user/cancel/{id}", "GET /v1/user/ban/{id}",
		"GET /v1/user/sms/inbox/{id}",
		"GET /v1/user/max-prices", "POST /v1/user/max-prices", "DELETE /v1/user/max-prices",
		"GET /v1/user/vendor", "GET /v1/vendor/wallets", "GET /v1/vendor/orders", "GET /v1/vendor/payments",
		"POST /v1/vendor/withdraw",
		"GET /v1/guest/products/{country}/{operator}", "GET /v1/guest/prices", "GET /v1/guest/countries",
		"GET /v1/guest/flash/{lang}",
	},
	ProviderESIMStory: {"POST /api/v1/api_partner/orders"},
	ProviderTopups: {
		"POST /customer/v2/token", "GET /customer/v2/sims/{iccid}/topups", "POST /customer/v2/orders/topups",
		"GET /customer/v2/sims/{iccid}/packages", "GET /customer/v2/orders", "GET /customer/v2/sims",
		"POST /v2/token", "GET /v2/sims/{iccid}/topups", "POST /v2/orders/topups",
		"GET /v2/sims/{iccid}/packages", "GET /v2/orders", "GET /v2/sims",
		"POST /api/third-party/partner/renew-number/",
	},
}
