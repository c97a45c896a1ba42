// Package google holds what the Google platforms share (Antigravity and
// Gemini CLI, both on the Cloud Code Assist private API): the OAuth
// clients they were minted with and the settings that override them, an
// in-memory access token minter over golang.org/x/oauth2 (credential files
// are never written; Google refresh tokens do not rotate), loadCodeAssist
// (request and answer: project and tier), the Cloud Code quota figure
// readers, and the classification of google.rpc.Status error bodies. It
// is not a platform: it has no id, no registry line and no catalog keys.
package google
