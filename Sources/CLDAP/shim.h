#ifndef RINGFENCE_CLDAP_SHIM_H
#define RINGFENCE_CLDAP_SHIM_H
#define LDAP_DEPRECATED 0
#include <lber.h>
#include <ldap.h>
#endif
