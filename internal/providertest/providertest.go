// Package providertest serves recorded upstream responses to tests of the
// platform packages and of the whole program. It is imported by tests only.
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
