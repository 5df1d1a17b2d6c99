# redis-rb driver (tests/lib/clients/README): Debian's ruby-redis.
require 'redis'
if ARGV == ['--version']
  puts Redis::VERSION
  exit 0
end
e = ENV
t = (e['RC_TIMEOUT'] || '1.5').to_f
o = { host: e['RC_HOST'], port: e['RC_PORT'].to_i, connect_timeout: t,
      read_timeout: t, write_timeout: t, reconnect_attempts: 0 }
o[:username] = e['RC_USER'] if e['RC_USER'] && !e['RC_USER'].empty?
o[:password] = e['RC_PASS'] if e['RC_PASS'] && !e['RC_PASS'].empty?
if e['RC_TLS'] == '1'
  o[:ssl] = true
  sp = { verify_mode: OpenSSL::SSL::VERIFY_PEER, verify_hostname: true }
  sp[:ca_file] = e['RC_CA'] if e['RC_CA']
  if e['RC_CERT']
    sp[:cert] = OpenSSL::X509::Certificate.new(File.read(e['RC_CERT']))
    sp[:key] = OpenSSL::PKey.read(File.read(e['RC_KEY']))
  end
  o[:ssl_params] = sp
end
r = Redis.new(o)
[%w[get corpus:k], %w[set corpus:k v]].each do |c|
  begin
    r.call(c)
    puts 'ok'
  rescue StandardError => x
    # Ruby's own form of an uncaught exception: "message (Class)".
    puts "#{x.message} (#{x.class})"
  end
end
