// Parses each file given (a Jenkinsfile, a Job DSL script) with Groovy's own compiler up to the
// conversion phase (syntax and AST), without running it: exit 0 when all parse, else 1 and the
// compiler's messages on stderr.
import org.codehaus.groovy.control.CompilationFailedException
import org.codehaus.groovy.control.CompilationUnit
import org.codehaus.groovy.control.Phases

def failed = false
args.each { path ->
  def unit = new CompilationUnit()
  unit.addSource(new File(path))
  try {
    unit.compile(Phases.CONVERSION)
    println "parsed ${path}"
  } catch (CompilationFailedException e) {
    failed = true
    System.err.println(e.message)
  }
}
System.exit(failed ? 1 : 0)
