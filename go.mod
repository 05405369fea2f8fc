module github.com/simkit/simkit

go 1.23.0

require (
	github.com/go-resty/resty/v2 v2.17.2
	golang.org/x/time v0.12.0
)

require golang.org/x/net v0.43.0 // indirect
