# The openssl steps of the test PKIs, sourced by tests/tls/make-certs.sh and
# tests/verdicts/record.sh. Every file is made in the current folder, named
# after the certificate (NAME.key, NAME.csr, NAME.pem); the extensions come
# from ext.cnf there, which the caller writes. Dates are explicit (openssl ca
# -startdate/-enddate) so that verdicts do not depend on the day tests run.

# ca_conf NAME SERIAL: ca-NAME.cnf, a minimal `openssl ca` configuration for
# the CA called NAME (NAME.pem, NAME.key), its database in db-NAME/
ca_conf() {
	mkdir -p "db-$1"
	: >"db-$1/index.txt"
	printf '%s\n' "$2" >"db-$1/serial"
	cat >"ca-$1.cnf" <<CNF
[ca]
default_ca = this
[this]
database = db-$1/index.txt
new_certs_dir = db-$1
serial = db-$1/serial
certificate = $1.pem
private_key = $1.key
default_md = sha256
policy = anything
unique_subject = no
copy_extensions = none
[anything]
commonName = supplied
organizationalUnitName = optional
organizationName = optional
CNF
}

# key NAME [BITS]: an RSA key (2048 bits unless BITS)
key() { openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${2:-2048}" -out "$1.key" 2>/dev/null; }

# csr NAME SUBJECT
csr() { openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"; }

# sign NAME CA EXT FROM TO [MD]: NAME.pem signed by CA (or "self"), with the
# extensions of section EXT of ext.cnf
sign() {
	local name=$1 ca=$2 ext=$3 from=$4 to=$5 md=${6:-sha256}
	if [ "$ca" = self ]; then
		ca_conf "$name" "$(printf '%02X' $((RANDOM % 200 + 16)))01"
		openssl ca -batch -selfsign -config "ca-$name.cnf" -keyfile "$name.key" -in "$name.csr" \
			-out "$name.pem" -startdate "$from" -enddate "$to" -md "$md" \
			-extfile ext.cnf -extensions "$ext" -notext 2>/dev/null
	else
		openssl ca -batch -config "ca-$ca.cnf" -in "$name.csr" -out "$name.pem" \
			-startdate "$from" -enddate "$to" -md "$md" -extfile ext.cnf -extensions "$ext" \
			-notext 2>/dev/null
	fi
}
