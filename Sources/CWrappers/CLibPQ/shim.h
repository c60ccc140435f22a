#ifndef CLIBPQ_SHIM_H
#define CLIBPQ_SHIM_H

// libpq through pkg-config ("libpq" supplies the include path, e.g. /usr/include/postgresql).
#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>

// The PG_DIAG_* field codes are character-literal macros, which Swift does not import.
static const int CLIBPQ_DIAG_SQLSTATE = PG_DIAG_SQLSTATE;
static const int CLIBPQ_DIAG_SEVERITY_NONLOCALIZED = PG_DIAG_SEVERITY_NONLOCALIZED;
static const int CLIBPQ_DIAG_MESSAGE_PRIMARY = PG_DIAG_MESSAGE_PRIMARY;
static const int CLIBPQ_DIAG_MESSAGE_DETAIL = PG_DIAG_MESSAGE_DETAIL;
static const int CLIBPQ_DIAG_CONSTRAINT_NAME = PG_DIAG_CONSTRAINT_NAME;

/// 1 when the connection's socket has input waiting (or the peer hung up), 0 when not, -1 when there
/// is no usable socket. Never blocks: lets an idle connection be checked before it is reused.
static inline int clibpq_socket_readable(const PGconn *conn) {
    struct pollfd pfd;
    pfd.fd = PQsocket(conn);
    pfd.events = POLLIN;
    pfd.revents = 0;
    if (pfd.fd < 0) { return -1; }
    int ready = poll(&pfd, 1, 0);
    return ready < 0 ? -1 : (ready > 0 ? 1 : 0);
}

#endif
