"""The sandbox's child entry point: `python -I -S _harness.py RESULT_FD PARENT_PID` (direct mode,
job on stdin) or `... --serve SOCK_FD [SITE_DIR...]` (a template that forks runs on request).

The code lives in the `_rmg_sandbox` package beside this file, imported as a top-level package
(`-I` puts no script directory on sys.path, and importing it as `rmg_plugin_code._rmg_sandbox`
would import rmg itself). The directory is taken off sys.path again right after, so the
untrusted code does not see the plugin's modules as importable top-level names.

- proto.py: libc, constants, the frame and report formats, one-line error descriptions
- isolate.py: namespaces, mounts, private uids, killing a uid, clean-up
- single.py: a run without a supervisor (W alone, or the judge J and its W), forked by the template
- judge.py: J, which runs assert-style tests and calls into the solution's process W
- solution.py: W's side of that (the solution, answering J); values.py: what crosses between them
- supervisor.py: the run's supervisor (forks W per unit, relays, limits, leaves nothing alive)
- worker.py: W, which drops everything and runs the untrusted code
- template.py: the process trees (shared namespaces per template, or per run)
"""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    from _rmg_sandbox import template
finally:
    del sys.path[0]

if __name__ == "__main__":
    if sys.argv[1] == "--serve":
        template.serve(int(sys.argv[2]))
    else:
        template.main()
