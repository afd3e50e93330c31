// kuscia::certs in one include: PKI on the OpenSSL 3 API for the Kuscia certificate layout.
//
//   #include "certs/certs.h"
//   KC_ASSIGN_OR_RETURN(certs::KusciaDirPaths paths, certs::WriteKusciaDir({.dir = dir}));
//   KC_ASSIGN_OR_RETURN(auto broken, certs::WriteCatalogue(paths, dir));
//   Status trusted = certs::VerifyCertificate(leaf_pem, ca_pem, "127.0.0.1", /*require_client_auth=*/true);
#pragma once

#include "certs/catalogue.h"   // broken identities, documented and generated on demand
#include "certs/inspect.h"     // reading identities back; OpenSSL verification
#include "certs/kuscia_dir.h"  // the Kuscia layout: ca.crt, kusciaapi-server.*, kusciaapi-client.*, token
#include "certs/pki.h"         // keys, certificates, tokens, SAN validation
