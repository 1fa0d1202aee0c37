/* sr-cli-rewards.h: `seedreel-cli rewards` and `seedreel-cli claim`. */
#pragma once

int sr_cli_rewards_main (int argc, char **argv);
int sr_cli_claim_main   (int argc, char **argv);
