// The build job of the slipway catalog (registry.slipway.local:5000/microservices), rendered by
// `slipway jenkins render`: regenerate it instead of editing it.
// A Job DSL script: run it from a seed job. It declares the parameters so that Spinnaker can pass
// them on the first run, and runs examples/catalog/Jenkinsfile of the catalog repository.
pipelineJob('slipway-build') {
  description('slipway build for Spinnaker deploy pipelines (rendered by slipway jenkins render)')
  logRotator {
    numToKeep(100)
  }
  parameters {
    stringParam('service', '', 'the catalog service to build')
    stringParam('imageTag', '', 'the image tag to build and push (nothing is built when the registry has it)')
    stringParam('sourceBranch', 'master', 'the branch of the service\'s repository')
    stringParam('checkValues', '', 'a strict stack: write VALUES_CHANGED (its values differ from its last release) to build.properties')
  }
  definition {
    cpsScm {
      scm {
        git {
          remote {
            url('git@github.com:slipway-demo/catalog.git')
          }
          branch('main')
        }
      }
      scriptPath('examples/catalog/Jenkinsfile')
      lightweight(true)
    }
  }
}
