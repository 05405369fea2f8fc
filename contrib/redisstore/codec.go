package redisstore

// version1 marks a value stored as the version byte followed by the
// caller's bytes unchanged. A later release that changes the encoding (say,
// to add compression or metadata) picks a new byte, and older replicas read
// such values as absent instead of handing garbage to the caller.
const version1 byte = 1

func encode(v []byte) []byte {
	b := make([]byte, 0, len(v)+1)
	b = append(b, version1)
	return append(b, v...)
}

// decode returns the caller's bytes, or ok=false for an empty value or one
// of a version this release does not know.
func decode(b []byte) (v []byte, ok bool) {
	if len(b) == 0 || b[0] != version1 {
		return nil, false
	}
	return b[1:], true
}
