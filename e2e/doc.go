// Package e2e drives the built mystatus binary (`mystatus serve`) with
// real MCP clients: the official Go SDK here, the TypeScript SDK in
// node/. It is its own module so the main module keeps only its three
// runtime libraries. Run it with run.sh.
package e2e
