/*
 * relay_machines.h — machine views shared by relay_machines.c and
 * relay_fleet_machines.c (both serve MachineList pages).
 */
#ifndef RELAY_MACHINES_H
#define RELAY_MACHINES_H

#include "relay.h"

/* New MachineSummary object for the stored machine m, with `fleets` built
 * from the fleet links and user_id's role in each fleet. */
json_t *relay_machine_summary(relay *r, json_t *m, const char *user_id);
/* Serves a MachineList page (presence, q, limit, cursor) of the machines
 * linked to fleet_id, or of every machine when fleet_id is NULL. */
void relay_machine_list(relay *r, const relay_req *q, relay_resp *out,
                        const char *fleet_id);

#endif /* RELAY_MACHINES_H */
