# A virtual host with a TLS configuration that has not been touched in years.
# TLS Lens flags the weak protocol versions below (nginx/weak-protocol).
#
# Relative paths in nginx are resolved against the directory of nginx.conf
# (the configuration prefix), so ../certs/ is examples/certs/.

server {
    listen 443 ssl;
    listen [::]:443 ssl;
    server_name weak.example.com;

    ssl_certificate     ../certs/valid.crt;
    ssl_certificate_key ../certs/valid.key;   # not in the repository: keys are never committed

    # TLSv1 and TLSv1.1 are deprecated (RFC 8996).
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2;
    ssl_ciphers "ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-SHA384:AES128-SHA:AES256-SHA:DES-CBC3-SHA";
    ssl_prefer_server_ciphers on;
    ssl_session_cache shared:WEAK:5m;

    root /var/www/weak.example.com;
    index index.html;

    location / {
        try_files $uri $uri/ =404;
    }

    # Legacy API clients, matched by a regex location.
    location ~* ^/api/v1/(users|orders)/ {
        proxy_pass https://app;
        proxy_ssl_protocols TLSv1.2 TLSv1.3;
        proxy_set_header Host $host;
        proxy_set_header X-Forwarded-Proto $scheme;
    }
}

# An old endpoint kept alive for a payment terminal that only speaks SSLv3.
# SSLv3 is broken by POODLE (RFC 7568): TLS Lens reports it as an error.
server {
    listen 8443 ssl;
    server_name legacy.weak.example.com;

    ssl_certificate     ../certs/expired.crt;
    ssl_certificate_key ../certs/expired.key;

    ssl_protocols SSLv3 TLSv1.2;
    ssl_ciphers 'HIGH:!aNULL:!MD5';

    location / {
        proxy_pass http://app;
    }
}
