// slipway-helm-render renders charts with helm's own `helm template` code path, many renders
// per process: one JSON request per line on stdin, one JSON answer per line on stdout, in
// completion order. A `helm template` process spends ~50 ms starting before it renders
// anything; a bake of both charts for a service, or `bake --all` of a catalog, pays that once.
//
// It is built from the same helm module and version ldflags as the helm binary beside it
// (scripts/install-tools.sh), so its output is byte for byte that helm's (test/bake/renderer.test.ts).
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/cli"
	"helm.sh/helm/v3/pkg/registry"
	"sigs.k8s.io/yaml"
)

type request struct {
	ID        int    `json:"id"`
	Release   string `json:"release"`
	Namespace string `json:"namespace"`
	Chart     string `json:"chart"`
	Version   string `json:"version"`
	PlainHTTP bool   `json:"plainHttp"`
	// The values as helm reads a `--values` file: JSON is YAML.
	Values json.RawMessage `json:"values"`
}

type answer struct {
	ID       int    `json:"id"`
	Manifest string `json:"manifest"`
	Error    string `json:"error,omitempty"`
}

func main() {
	settings := cli.New()
	charts := &chartCache{paths: map[string]string{}}
	out := json.NewEncoder(os.Stdout)
	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, runtime.NumCPU())
	in := json.NewDecoder(bufio.NewReader(os.Stdin))
	for {
		var req request
		if err := in.Decode(&req); err == io.EOF {
			break
		} else if err != nil {
			fmt.Fprintf(os.Stderr, "Error: reading a request: %v\n", err)
			os.Exit(2)
		}
		wg.Add(1)
		slots <- struct{}{}
		go func() {
			defer func() { <-slots; wg.Done() }()
			a := answer{ID: req.ID}
			if manifest, err := render(settings, charts, req); err != nil {
				a.Error = err.Error()
			} else {
				a.Manifest = manifest
			}
			mu.Lock()
			defer mu.Unlock()
			if err := out.Encode(a); err != nil {
				os.Exit(1) // the reader is gone
			}
		}()
	}
	wg.Wait()
}

// render is `helm template --namespace N --values - [--version V] [--plain-http] -- R C`.
func render(settings *cli.EnvSettings, charts *chartCache, req request) (string, error) {
	client := action.NewInstall(&action.Configuration{Log: func(string, ...interface{}) {}})
	client.DryRun = true
	client.DryRunOption = "true"
	client.Replace = true
	client.ClientOnly = true
	client.ReleaseName = req.Release
	client.Namespace = req.Namespace
	client.Version = req.Version
	client.PlainHTTP = req.PlainHTTP

	path, err := charts.locate(settings, client, req)
	if err != nil {
		return "", err
	}
	vals := map[string]interface{}{}
	if err := yaml.Unmarshal(req.Values, &vals); err != nil {
		return "", fmt.Errorf("failed to parse -: %w", err)
	}
	// loaded for every render: installing processes a chart's dependencies in place
	chrt, err := loader.Load(path)
	if err != nil {
		return "", err
	}
	switch chrt.Metadata.Type {
	case "", "application":
	default:
		return "", fmt.Errorf("%s charts are not installable", chrt.Metadata.Type)
	}
	if deps := chrt.Metadata.Dependencies; deps != nil {
		if err := action.CheckDependencies(chrt, deps); err != nil {
			return "", fmt.Errorf("An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: %w", err)
		}
	}
	rel, err := client.RunWithContext(context.Background(), chrt, vals)
	if err != nil {
		if rel != nil {
			return "", fmt.Errorf("%w\n\nUse --debug flag to render out invalid YAML", err)
		}
		return "", err
	}
	var b strings.Builder
	fmt.Fprintln(&b, strings.TrimSpace(rel.Manifest))
	for _, h := range rel.Hooks {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", h.Path, h.Manifest)
	}
	return b.String(), nil
}

// chartCache locates each oci:// chart version once per process (helm template pulls it at
// every call); local folders are located (checked) every time.
type chartCache struct {
	mu    sync.Mutex
	paths map[string]string
}

func (c *chartCache) locate(settings *cli.EnvSettings, client *action.Install, req request) (string, error) {
	if !registry.IsOCI(req.Chart) {
		return client.ChartPathOptions.LocateChart(req.Chart, settings)
	}
	key := fmt.Sprintf("%s@%s plain-http=%t", req.Chart, req.Version, req.PlainHTTP)
	c.mu.Lock()
	defer c.mu.Unlock()
	if path, ok := c.paths[key]; ok {
		return path, nil
	}
	opts := []registry.ClientOption{
		registry.ClientOptEnableCache(true),
		registry.ClientOptWriter(os.Stderr),
		registry.ClientOptCredentialsFile(settings.RegistryConfig),
	}
	if req.PlainHTTP {
		opts = append(opts, registry.ClientOptPlainHTTP())
	}
	rc, err := registry.NewClient(opts...)
	if err != nil {
		return "", fmt.Errorf("missing registry client: %w", err)
	}
	client.SetRegistryClient(rc)
	path, err := client.ChartPathOptions.LocateChart(req.Chart, settings)
	if err == nil {
		c.paths[key] = path
	}
	return path, err
}
