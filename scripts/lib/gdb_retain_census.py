# A census of reference counting on the intake's path (not a test): which functions retain and
# release which kinds of object, and how many distinct objects each time. Objects that every
# decoding core retains per event (one normaliser's matcher, one request's strings) make both
# cores write the same cache line; callgrind counts their instructions, not that cost.
#
# Run under gdb on a release intake-bench (debug info kept, so gdb can name the callers):
#
#   head -50 var/bench/callgrind/body.ndjson > /tmp/b50.ndjson
#   gdb -q -batch -x scripts/lib/gdb_retain_census.py \
#       --args .build/release/intake-bench pipeline /tmp/b50.ndjson 1 | swift demangle --simplified
#
# Each line: calls, swift_retain or swift_release, distinct objects, the caller, the object's type
# (its metadata's symbol; "InitialAllocationPool + N" is metadata made at run time, such as an
# array's storage class). With 50 events, a count of 50 (or a multiple) is per event.
import collections

import gdb

counts = collections.Counter()
objects = collections.defaultdict(set)


class Census(gdb.Breakpoint):
    def stop(self):
        pointer = int(gdb.parse_and_eval("$rdi")) & 0xFFFFFFFFFFFFFFFF
        # Null, or a tagged small string or immortal value: the runtime returns at once.
        if pointer == 0 or pointer >= (1 << 63):
            return False
        caller = gdb.newest_frame().older()
        name = (caller.name() if caller else None) or "?"
        try:
            metadata = int(gdb.parse_and_eval("*(unsigned long*)%d" % pointer)) & 0xFFFFFFFFFFFFFFFF
            kind = gdb.execute("info symbol %d" % metadata, to_string=True).split(" in ")[0].strip()
        except gdb.error:
            kind = "?"
        key = (self.location, name[:90], kind[:70])
        counts[key] += 1
        objects[key].add(pointer)
        return False


gdb.execute("set pagination off")
# Stop once the program's libraries are loaded, then count from there.
gdb.execute("break swift_job_run")
gdb.execute("run")
gdb.execute("delete")
Census("swift_retain")
Census("swift_release")
gdb.execute("continue")
for (function, caller, kind), n in counts.most_common(60):
    print("%6d %-14s %4d objects  %-90s  %s" % (n, function, len(objects[(function, caller, kind)]), caller, kind))
