// Command hello is the start-up floor of row 3c: the smallest Go program
// that answers a JSON-RPC request line on stdin with a reply line on
// stdout, then waits for end of input, started exactly as `mystatus serve`
// is. Start → first reply of mystatus is measured against it.
package main

import (
	"bufio"
	"io"
	"os"
)

func main() {
	in := bufio.NewReader(os.Stdin)
	if _, err := in.ReadBytes('\n'); err != nil {
		os.Exit(1)
	}
	// The id of the driver's first request is always 1.
	os.Stdout.WriteString(`{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":"2025-06-18","capabilities":{},"serverInfo":{"name":"hello","version":"0"}}}` + "\n")
	io.Copy(io.Discard, in)
}
