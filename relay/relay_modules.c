/*
 * relay_modules.c — the one list of the relay's resource modules. Routing
 * walks it in order and the seed loader calls each module's seed function.
 * Adding a module = one file exporting its routes (and seed) + one line here.
 */
#include "relay_server.h"

const relay_module relay_modules[] = {
    {"control", relay_control_routes, NULL},
    {"machines", relay_machines_routes, relay_machines_seed},
    {"fleets", relay_fleets_routes, relay_fleets_seed},
    {"members", relay_members_routes, relay_members_seed},
    {"fleet_machines", relay_fleet_machines_routes, relay_fleet_machines_seed},
    {"keys", relay_keys_routes, relay_keys_seed},
    {"tunnels", relay_tunnels_routes, relay_tunnels_seed},
    {"schedules", relay_schedules_routes, relay_schedules_seed},
    {"skills", relay_skills_routes, relay_skills_seed},
    {"bots", relay_bots_routes, relay_bots_seed},
    {"ask", relay_ask_routes, NULL},
    {"ask_control", relay_ask_control_routes, NULL},
    {0}
};
