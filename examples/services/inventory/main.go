// A tiny inventory API: /ready for the probes, / for traffic.
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "8080"
	}
	http.HandleFunc("/ready", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, "ok") })
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprint(w, `{"service":"inventory"}`) })
	if err := http.ListenAndServe(":"+port, nil); err != nil {
		panic(err)
	}
}
