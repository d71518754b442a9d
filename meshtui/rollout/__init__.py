"""Progressive canary plans run by meshtui and kept in the cluster, on the split itself.

`meshtui.model.plan` parses plans and `meshtui.model.plan_state` is their step state machine;
this package reads and writes that state (`store`), holds one Lease per split (`lease`), drives
plans (`runner`), summarises them for the dashboard (`status`) and offers the ``meshtui rollout``
command line (`cli`). No textual here.
"""
