// Package providertest is the test support of the platform packages:
// recorded upstream answers replayed by a loopback [Server], a temporary
// HOME with an OpenCode auth.json ([Home]), dependencies with a fixed
// clock and retries that never sleep ([Deps]), a recording doctor
// ([Checkup]), and the checks every API-key platform runs ([Platform]:
// credentials, no request without a key, an echoed key never shown, bad
// base URLs, error answers, the demo). It is imported by tests only
// (TestImportedByTestsOnly holds that).
package providertest

import (
	"bufio"
	"bytes"
	"io"
	"net/http"
	"os"
	"testing"
)

// Replay writes the recorded response in file to w. A file starting with
// "HTTP/" is a whole raw response (status line, headers, body); anything
// else is a JSON body served with 200.
func Replay(t testing.TB, w http.ResponseWriter, file string) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Errorf("replay: %v", err)
		http.Error(w, "missing fixture", http.StatusInternalServerError)
		return
	}
	if !bytes.HasPrefix(data, []byte("HTTP/")) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(data)
		return
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(data)), nil)
	if err != nil {
		t.Errorf("%s: %v", file, err)
		return
	}
	body, _ := io.ReadAll(resp.Body)
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(body)
}
