# A virtual host following Mozilla's Server Side TLS guidelines, "intermediate" profile
# (https://ssl-config.mozilla.org/). TLS Lens reports nothing here.

server {
    listen 443 ssl;
    listen [::]:443 ssl;
    http2 on;
    server_name example.com www.example.com;

    # Paths are relative to the directory of nginx.conf (../certs/ is examples/certs/).
    ssl_certificate     ../certs/chain.pem;
    ssl_certificate_key ../certs/valid.key;   # not in the repository: keys are never committed

    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_ecdh_curve X25519:prime256v1:secp384r1;
    ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;
    ssl_prefer_server_ciphers off;

    ssl_session_timeout 1d;
    ssl_session_cache shared:MozSSL:10m;
    ssl_session_tickets off;

    # OCSP stapling, verified against the issuing CA.
    ssl_stapling on;
    ssl_stapling_verify on;
    ssl_trusted_certificate ../certs/ca.crt;
    resolver 127.0.0.53 valid=300s;
    resolver_timeout 5s;

    # HSTS (ngx_http_headers_module is required), 63072000 seconds = 2 years.
    add_header Strict-Transport-Security "max-age=63072000" always;
    add_header X-Content-Type-Options nosniff always;

    root /var/www/example.com;

    location / {
        try_files $uri $uri/ /index.html;
    }

    location /api/ {
        proxy_pass http://app;
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $host;
    }

    location = /healthz {
        access_log off;
        return 200 "ok\n";
    }
}
